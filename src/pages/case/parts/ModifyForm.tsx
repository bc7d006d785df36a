import Taro from '@tarojs/taro';
import { Button, Image, Input, Text, Textarea, View } from '@tarojs/components';
import { useState } from 'react';
import type { EvidenceInput, ModifyRequest } from '../../../../types/api';
import type { AfterSaleCase, Reason } from '../../../../types/domain';
import { EXCHANGE_REASONS, REASONS } from '../../../../types/domain';
import ChoiceChips from '../../../components/ChoiceChips';
import Section from '../../../components/Section';
import { REASON_LABELS } from '../../../core/classifier-data';
import { formatYuan, parseYuan } from '../../../core/money';
import { codePointLength, partyEvidence } from '../../../core/rules';
import { LIMITS } from '../../../core/settings';
import { describeError } from '../../../services/cloud';
import { evidenceUrl, pickMedia, prepareMedia, uploadEvidence } from '../../../services/upload';

interface Props {
  c: AfterSaleCase;
  openid: string;
  busy: boolean;
  /** Sends the changes; true when the case took them. */
  onSubmit: (req: ModifyRequest) => Promise<boolean>;
  onCancel: () => void;
}

/** The changes a form makes to the case, nothing that stays as it was (SPEC §6 `modify`). */
export function modifyRequest(
  c: Pick<AfterSaleCase, '_id' | 'type' | 'reason' | 'amountFen' | 'description'>,
  form: { reason: Reason; amountText: string; description: string; evidence: EvidenceInput[] },
): { ok: true; req: ModifyRequest } | { ok: false; message: string } {
  const req: ModifyRequest = { caseId: c._id };
  if (form.reason !== c.reason) req.reason = form.reason;
  if (c.type !== 'EXCHANGE') {
    const fen = parseYuan(form.amountText);
    if (fen === null || fen <= 0) return { ok: false, message: '请填写正确的退款金额' };
    if (fen !== c.amountFen) req.amountFen = fen;
  }
  const d = form.description.trim();
  if (codePointLength(d) > LIMITS.descriptionMaxChars) return { ok: false, message: `问题描述最多${LIMITS.descriptionMaxChars}字` };
  if (d !== c.description.trim()) req.description = d;
  if (form.evidence.length > 0) req.evidence = form.evidence;
  if (Object.keys(req).length === 1) return { ok: false, message: '您还没有修改任何内容' };
  return { ok: true, req };
}

/**
 * 修改申请 (SPEC §6): the reason, the amount, the description and more photos, on a case that is
 * waiting for the shop or was rejected inside its window. Sent back to the shop with a new 48 h.
 */
export default function ModifyForm({ c, openid, busy, onSubmit, onCancel }: Props) {
  const [reason, setReason] = useState<Reason>(c.reason);
  const [amountText, setAmountText] = useState(formatYuan(c.amountFen).replace('¥', ''));
  const [description, setDescription] = useState(c.description);
  const [evidence, setEvidence] = useState<EvidenceInput[]>([]);
  const [progress, setProgress] = useState<string>();
  const reasons = (c.type === 'EXCHANGE' ? EXCHANGE_REASONS : REASONS).map((r) => ({ key: r, label: REASON_LABELS[r] }));
  const own = partyEvidence(c, 'BUYER');
  const freeImages = LIMITS.maxImages - own.filter((e) => e.kind === 'image').length - evidence.filter((e) => e.kind === 'image').length;
  const freeVideos = LIMITS.maxVideos - own.filter((e) => e.kind === 'video').length - evidence.filter((e) => e.kind === 'video').length;
  const left = LIMITS.maxModifications - c.history.filter((h) => h.action === 'MODIFY').length;

  const addPhotos = async () => {
    let picked;
    try {
      picked = await pickMedia(freeImages, freeVideos);
    } catch {
      return;
    }
    try {
      for (const [i, m] of picked.entries()) {
        setProgress(`上传中 ${i + 1}/${picked.length}`);
        const prepared = await prepareMedia(m);
        const up = await uploadEvidence(prepared, openid, (p) => setProgress(`上传中 ${p}%`));
        setEvidence((list) => [...list, { fileId: up.fileId, kind: m.kind, sha256: up.sha256, tag: 'proof' }]);
      }
    } catch (e) {
      const { message, solution } = describeError(e);
      void Taro.showModal({ title: message, content: solution, showCancel: false, confirmText: '知道了' });
    } finally {
      setProgress(undefined);
    }
  };

  const submit = async () => {
    const checked = modifyRequest(c, { reason, amountText, description, evidence });
    if (!checked.ok) {
      void Taro.showToast({ title: checked.message, icon: 'none' });
      return;
    }
    if (await onSubmit(checked.req)) setEvidence([]);
  };

  return (
    <Section title="修改申请" extra={<Text className="muted">还可修改{left}次</Text>}>
      <View className="modify" id="case-modify">
        <Text className="modify__hint">修改后将重新提交给商家处理，商家需在48小时内答复。</Text>
        <Text className="modify__label">售后原因</Text>
        <ChoiceChips choices={reasons} value={reason} onChange={setReason} />
        {c.type !== 'EXCHANGE' && (
          <View className="field">
            <Text className="field__label">退款金额</Text>
            <Input className="field__input" type="digit" value={amountText} onInput={(e) => setAmountText(e.detail.value)} />
            <Text className="muted">元</Text>
          </View>
        )}
        <Text className="modify__label">问题描述</Text>
        <View className="modify__box">
          <Textarea className="modify__textarea" value={description} maxlength={-1} placeholder="补充说明问题，如哪里破损、何时发现" onInput={(e) => setDescription(e.detail.value)} />
        </View>
        <Text className="modify__label">补充照片或视频</Text>
        <View className="modify__files">
          {evidence.map((f) =>
            f.kind === 'image' ? (
              <Image key={f.fileId} className="modify__thumb" src={evidenceUrl(f.fileId)} mode="aspectFill" />
            ) : (
              <View key={f.fileId} className="modify__thumb modify__thumb--video">
                ▶
              </View>
            ),
          )}
          {(freeImages > 0 || freeVideos > 0) && (
            <Button className="modify__add" disabled={progress !== undefined || undefined} onClick={() => void addPhotos()}>
              {progress ?? '＋ 添加'}
            </Button>
          )}
        </View>
        <View className="modify__actions">
          <Button className="btn" onClick={onCancel}>
            取消
          </Button>
          <Button className={`btn btn--primary${busy || progress ? ' btn--disabled' : ''}`} disabled={busy || progress !== undefined || undefined} onClick={() => void submit()}>
            提交修改
          </Button>
        </View>
      </View>
    </Section>
  );
}
