import { Button, Image, Text, View } from '@tarojs/components';
import { useState } from 'react';
import type { EvidenceInput } from '../../../../types/api';
import Alert from '../../../components/Alert';
import { partyEvidence } from '../../../core/rules';
import { LIMITS } from '../../../core/settings';
import { describeError } from '../../../services/cloud';
import { evidenceUrl, mediaPickProblem, pickMedia, prepareMedia, tooLarge, uploadEvidence, type PickedMedia } from '../../../services/upload';
import { useActionSubmit } from '../../hooks/useActionSubmit';
import type { Checked } from '../../logic/actions';
import type { Problem } from '../../stores/problem';
import type { CaseWithOrder } from '../../stores/review';
import { useIdentityStore } from '../../../stores/identity';
import { Field } from '../Field';
import { NoteInput } from '../NoteInput';
import { Sheet } from '../Sheet';
import { SheetFooter } from './Footer';
import './index.scss';

interface Props {
  c: CaseWithOrder;
  visible: boolean;
  onClose(): void;
}

/** R15: the shipping QC report, set beside the buyer's photo taken at receipt (生鲜 seed 五.1). */
export function QcReportSheet({ c, visible, onClose }: Props) {
  const openid = useIdentityStore((s) => s.identity?.openid ?? '');
  const [files, setFiles] = useState<EvidenceInput[]>([]);
  const [note, setNote] = useState('');
  const [progress, setProgress] = useState<number>();
  const [uploadProblem, setUploadProblem] = useState<Problem>();
  const { submit, busy, errors, problem } = useActionSubmit(() => {
    setFiles([]);
    setNote('');
    onClose();
  });
  const shown = problem ?? uploadProblem;
  // R22 per party: the buyer's photos never use up the shop's room.
  const room = LIMITS.maxImages - partyEvidence(c, 'MERCHANT').filter((e) => e.kind === 'image').length - files.length;

  const add = async () => {
    setUploadProblem(undefined);
    let picked: PickedMedia[];
    try {
      picked = (await pickMedia(room, 0)).filter((m) => m.kind === 'image');
    } catch (e) {
      const problem = mediaPickProblem(e);
      if (problem) setUploadProblem({ code: 'INVALID_INPUT', ...problem });
      return;
    }
    try {
      for (const m of picked) {
        if (tooLarge(m)) {
          setUploadProblem({
            code: 'INVALID_INPUT',
            message: '照片太大，没有上传',
            solution: `请选择 ${LIMITS.uploadMaxBytes.image / 1024 / 1024}MB 以内的照片`,
          });
          continue;
        }
        const prepared = await prepareMedia(m);
        setProgress(0);
        const up = await uploadEvidence(prepared, openid, setProgress);
        setFiles((list) => [...list, { fileId: up.fileId, kind: 'image', sha256: up.sha256, tag: 'qc_report' }]);
      }
    } catch (e) {
      setUploadProblem(describeError(e));
    } finally {
      setProgress(undefined);
    }
  };

  const checked: Checked<{ caseId: string; evidence: EvidenceInput[]; note?: string }> =
    files.length === 0
      ? { ok: false, errors: { evidence: '请先选择质检报告照片' } }
      : { ok: true, request: { caseId: c._id, evidence: files, ...(note.trim() ? { note: note.trim() } : {}) } };

  return (
    <Sheet
      visible={visible}
      title="上传质检报告"
      onClose={onClose}
      footer={
        <SheetFooter
          confirmText="提交质检报告"
          busy={busy || progress !== undefined}
          onCancel={onClose}
          onConfirm={() => void submit(checked, (request) => ({ kind: 'addEvidence', request }), ['evidence', 'note'])}
        />
      }
    >
      {shown && <Alert tone="danger" title={shown.message} solution={shown.solution} />}
      <Text className="m-act__summary">提供发货时的质检报告，与买家签收时的照片对比，平台核查时可作为举证。</Text>
      <Field label="质检报告照片" error={errors.evidence} hint={`还可上传 ${Math.max(room, 0)} 张`}>
        <View className="m-qc">
          {files.map((f) => (
            <Image key={f.fileId} className="m-qc__img" src={evidenceUrl(f.fileId)} mode="aspectFill" />
          ))}
          {room > 0 && (
            <Button className="m-qc__add" disabled={progress !== undefined || undefined} onClick={() => void add()}>
              {progress === undefined ? '＋ 选择照片' : `上传中 ${progress}%`}
            </Button>
          )}
        </View>
      </Field>
      <Field label="说明（可选）" error={errors.note}>
        <NoteInput value={note} onChange={setNote} placeholder="例如：发货前抽检合格，冷链全程 0–4℃" />
      </Field>
    </Sheet>
  );
}
