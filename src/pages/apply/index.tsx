import Taro, { useRouter } from '@tarojs/taro';
import { Button, Input, Text, Textarea, View } from '@tarojs/components';
import { useEffect, useRef } from 'react';
import type { OrderView } from '../../../types/api';
import type { CaseType, EvidenceTag, Reason } from '../../../types/domain';
import { CASE_TYPES, EVIDENCE_TAGS, EXCHANGE_REASONS, REASONS } from '../../../types/domain';
import Alert from '../../components/Alert';
import ProductThumb from '../../components/ProductThumb';
import AmountText from '../../components/AmountText';
import BottomBar from '../../components/BottomBar';
import ChoiceChips from '../../components/ChoiceChips';
import EvidenceUploader, { type UploaderItem } from '../../components/EvidenceUploader';
import PageState from '../../components/PageState';
import QtyStepper from '../../components/QtyStepper';
import Section from '../../components/Section';
import { CASE_TYPE_HINTS, CASE_TYPE_LABELS, EVIDENCE_TAG_LABELS, PRODUCT_PHOTO_LABEL } from '../../components/labels';
import { classify } from '../../core/classifier';
import { REASON_LABELS } from '../../core/classifier-data';
import { formatYuan } from '../../core/money';
import { claimedUnits, codePointLength } from '../../core/rules';
import { LIMITS } from '../../core/settings';
import { formatTime } from '../../core/time';
import { useApplyForm, type ApplyField } from '../../hooks/useApplyForm';
import { useNow } from '../../hooks/useNow';
import { describeError } from '../../services/cloud';
import { getDevOpenid } from '../../services/identity';
import { askToSubscribe } from '../../services/subscribe';
import { evidenceUrl, mediaPickProblem, pickMedia, playableUrl } from '../../services/upload';
import { useCasesStore } from '../../stores/cases';
import { useDraftStore, type ApplyDraft } from '../../stores/draft';
import { useIdentityStore } from '../../stores/identity';
import { useOrdersStore } from '../../stores/orders';
import { go, routes } from '../routes';
import './index.scss';

/** The first `max` characters, counted as the server counts them (codePointLength: an emoji is one). */
function cutToChars(text: string, max: number): string {
  if (text.length <= max || codePointLength(text) <= max) return text;
  return Array.from(text).slice(0, max).join('');
}

/** Below this the description says too little to pre-select a reason from. */
const SUGGEST_MIN_CHARS = 4;
const SUGGEST_MIN_CONFIDENCE = 0.5;

function suggestedReason(text: string): Reason | undefined {
  if ([...text.trim()].length < SUGGEST_MIN_CHARS) return undefined;
  const c = classify(text);
  return c.confidence >= SUGGEST_MIN_CONFIDENCE ? c.reason : undefined;
}

function remainingUnits(order: OrderView) {
  return order.items.map((i) => ({ skuId: i.skuId, qty: i.qty - claimedUnits(order.cases, i.skuId) })).filter((i) => i.qty > 0);
}

function ApplyForm({ order, draft }: { order: OrderView; draft: ApplyDraft }) {
  const orderId = order._id;
  const identity = useIdentityStore((s) => s.identity);
  const openid = identity?.openid ?? getDevOpenid();
  const now = useNow(30_000);
  const form = useApplyForm(order, draft, openid, now);
  const update = useDraftStore((s) => s.update);
  const addMedia = useDraftStore((s) => s.addMedia);
  const removeEvidence = useDraftStore((s) => s.removeEvidence);
  const retryEvidence = useDraftStore((s) => s.retryEvidence);
  const tagEvidence = useDraftStore((s) => s.tagEvidence);
  const submitDraft = useDraftStore((s) => s.submit);
  const submitting = useDraftStore((s) => Boolean(s.submitting[orderId]));
  const remember = useCasesStore((s) => s.remember);
  const remaining = Object.fromEntries(remainingUnits(order).map((i) => [i.skuId, i.qty]));

  const images = draft.evidence.filter((e) => e.kind === 'image').length;
  const videos = draft.evidence.filter((e) => e.kind === 'video').length;

  const addEvidence = async (only?: 'video', tag?: EvidenceTag) => {
    const freeImages = only === 'video' ? 0 : LIMITS.maxImages - images;
    const freeVideos = LIMITS.maxVideos - videos;
    if (freeImages <= 0 && freeVideos <= 0) {
      void Taro.showToast({ title: `最多上传${LIMITS.maxImages}张照片和${LIMITS.maxVideos}个视频`, icon: 'none' });
      return;
    }
    try {
      const picked = await pickMedia(freeImages, freeVideos);
      const refused = addMedia(orderId, picked, tag ?? form.suggestedTag);
      if (refused.length > 0) void Taro.showToast({ title: refused.join('；'), icon: 'none', duration: 2500 });
    } catch (e) {
      const problem = mediaPickProblem(e);
      if (problem) void Taro.showModal({ title: problem.message, content: problem.solution, showCancel: false, confirmText: '知道了' });
    }
  };

  const chooseTag = async (localId: string) => {
    const options: (EvidenceTag | undefined)[] = [undefined, ...EVIDENCE_TAGS.filter((t) => t !== 'qc_report')];
    try {
      const { tapIndex } = await Taro.showActionSheet({ itemList: options.map((t) => (t ? EVIDENCE_TAG_LABELS[t] : PRODUCT_PHOTO_LABEL)) });
      tagEvidence(orderId, localId, options[tapIndex]);
    } catch {
      // The buyer closed the sheet: nothing to change.
    }
  };

  const preview = (localId: string) => {
    const e = draft.evidence.find((x) => x.localId === localId);
    if (!e) return;
    const src = e.fileId ? evidenceUrl(e.fileId) : e.path;
    if (e.kind === 'video') {
      if (process.env.TARO_ENV === 'weapp') void playableUrl(e).then((url) => Taro.previewMedia({ sources: [{ url, type: 'video' }] }));
      return;
    }
    const urls = draft.evidence.filter((x) => x.kind === 'image').map((x) => (x.fileId ? evidenceUrl(x.fileId) : x.path));
    void Taro.previewImage({ urls, current: src });
  };

  const submit = async () => {
    form.revealErrors();
    const req = form.request();
    if (!req) {
      const first = Object.values(form.allErrors)[0] ?? form.blocking[0]?.message ?? '请检查填写的内容';
      void Taro.showToast({ title: first, icon: 'none', duration: 2500 });
      return;
    }
    // Still inside the tap, as WeChat requires for its subscribe prompt.
    await askToSubscribe(order.shop.settings.subscribeTemplateIds);
    try {
      const c = await submitDraft(orderId, req);
      remember(c);
      void Taro.redirectTo({ url: routes.case(c._id) });
    } catch (e) {
      const { message, solution } = describeError(e);
      void Taro.showModal({ title: message, content: solution, showCancel: false, confirmText: '知道了' });
    }
  };

  const errorOf = (f: ApplyField) => form.errors[f];
  const descLength = codePointLength(draft.description);
  const shownAmount = draft.amountEdited ? draft.amountText : (form.maxFen / 100).toFixed(2);
  // 换货 is for goods in hand (SPEC §5): offered once the order is signed for.
  const received = order.status === 'DELIVERED' || order.status === 'COMPLETED';
  const exchange = draft.type === 'EXCHANGE';
  const typeChoices = CASE_TYPES.map((t: CaseType) => ({
    key: t,
    label: CASE_TYPE_LABELS[t],
    hint:
      t === 'SHIPPING_FEE_ONLY' && order.shippingFen === 0 ? '本单免运费' : t === 'EXCHANGE' && !received ? '确认收货后可换货' : CASE_TYPE_HINTS[t],
    disabled: (t === 'SHIPPING_FEE_ONLY' && order.shippingFen === 0) || (t === 'EXCHANGE' && !received),
  }));
  const reasons = exchange ? EXCHANGE_REASONS : REASONS;
  const uploaderItems: UploaderItem[] = draft.evidence.map((e) => ({
    id: e.localId,
    kind: e.kind,
    src: e.fileId ? evidenceUrl(e.fileId) : e.path,
    thumb: e.thumb,
    status: e.status,
    progress: e.progress,
    tagLabel: e.tag ? EVIDENCE_TAG_LABELS[e.tag] : e.tagged ? PRODUCT_PHOTO_LABEL : undefined,
  }));

  return (
    <View className="apply-page">
      <Section title="售后类型">
        <ChoiceChips
          layout="cards"
          choices={typeChoices}
          value={draft.type}
          onChange={(type) =>
            // An exchange takes only its own reasons: a reason it cannot give is chosen again.
            update(orderId, { type, ...(type === 'EXCHANGE' && draft.reason && !EXCHANGE_REASONS.includes(draft.reason) ? { reason: undefined, reasonPicked: false } : {}) })
          }
        />
      </Section>

      {draft.type !== 'SHIPPING_FEE_ONLY' && (
        <Section title={exchange ? '换货商品' : '退款商品'} error={errorOf('items')} id="field-items">
          {order.items.map((it) => {
            const left = remaining[it.skuId] ?? 0;
            const chosen = draft.lines[it.skuId] ?? 0;
            const toggle = () => {
              if (left === 0) return;
              const lines = { ...draft.lines };
              if (chosen > 0) delete lines[it.skuId];
              else lines[it.skuId] = left;
              update(orderId, { lines });
            };
            return (
              <View key={it.skuId} className={`pick ${left === 0 ? 'pick--off' : ''}`}>
                <View className="pick__main" role="checkbox" aria-checked={chosen > 0} onClick={toggle}>
                  <View className={`pick__box ${chosen > 0 ? 'pick__box--on' : ''}`}>{chosen > 0 ? '✓' : ''}</View>
                  <ProductThumb image={it.image} size="sm" className="pick__thumb" />
                  <View className="pick__info">
                    <Text className="pick__title">{it.title}</Text>
                    <Text className="muted">{left === 0 ? '已全部申请过售后' : `可申请${left}件 · 实付${formatYuan(it.paidFen)}`}</Text>
                  </View>
                </View>
                {chosen > 0 && left > 1 && (
                  <QtyStepper value={chosen} max={left} onChange={(n) => update(orderId, { lines: { ...draft.lines, [it.skuId]: n } })} />
                )}
              </View>
            );
          })}
        </Section>
      )}

      <Section title="问题描述" error={errorOf('description')} extra={<Text>{`${descLength}/${LIMITS.descriptionMaxChars}`}</Text>} id="field-description">
        <Textarea
          className="apply-page__textarea"
          value={draft.description}
          // R22 counts characters as the server does (an emoji is one); the control's own maxlength counts
          // UTF-16 units (an emoji is two), so it only bounds the worst case and the text is cut here.
          maxlength={LIMITS.descriptionMaxChars * 2}
          placeholder={draft.type === 'SHIPPING_FEE_ONLY' ? '请写明为什么要退运费，例如：商家发错货，我寄回的运费' : '请具体描述遇到的问题，例如：收到时杯子底部有裂缝，倒水会漏'}
          onInput={(e) => {
            const description = cutToChars(e.detail.value, LIMITS.descriptionMaxChars);
            const suggestion = draft.reasonPicked ? undefined : suggestedReason(description);
            update(orderId, { description, ...(suggestion ? { reason: suggestion } : {}) });
          }}
        />
      </Section>

      <Section
        title="售后原因"
        error={errorOf('reason')}
        extra={draft.reason && !draft.reasonPicked ? <Text className="apply-page__suggested">已根据描述推荐</Text> : undefined}
        id="field-reason"
      >
        <ChoiceChips
          choices={reasons.map((r) => ({ key: r, label: REASON_LABELS[r] }))}
          value={draft.reason}
          onChange={(reason) => update(orderId, { reason, reasonPicked: true })}
        />
      </Section>

      {exchange && (
        <Section
          title="换成"
          error={errorOf('exchangeNote')}
          extra={<Text>{`${codePointLength(draft.exchangeNote ?? '')}/${LIMITS.exchangeNoteMaxChars}`}</Text>}
          id="field-exchangeNote"
        >
          <Input
            className="apply-page__exchange"
            value={draft.exchangeNote ?? ''}
            maxlength={LIMITS.exchangeNoteMaxChars * 2}
            aria-label="想换的尺码或颜色"
            placeholder="想换的尺码或颜色，例如：换成L码 / 换黑色"
            onInput={(e) => update(orderId, { exchangeNote: cutToChars(e.detail.value, LIMITS.exchangeNoteMaxChars) })}
          />
          <Text className="muted amount-row__hint">换货不退款、免手续费；商家收到退货后发出新商品，如无货将为您退款</Text>
        </Section>
      )}

      {!exchange && (
        <Section title="退款金额" error={errorOf('amount')} id="field-amount">
          <View className="amount-row">
            <Text className="amount-row__yuan">¥</Text>
            <Input
              className="amount-row__input"
              type="digit"
              value={shownAmount}
              aria-label="退款金额"
              onInput={(e) => update(orderId, { amountText: e.detail.value, amountEdited: true })}
            />
            {draft.amountEdited && (
              <Text className="link amount-row__max" onClick={() => update(orderId, { amountText: '', amountEdited: false })}>
                按最多可退
              </Text>
            )}
          </View>
          <Text className="muted amount-row__hint">
            最多可退 {formatYuan(form.maxFen)}
            {form.preview.feeBearer === 'MERCHANT' ? `，手续费${formatYuan(form.preview.feeFen)}由商家承担` : '，免手续费'}
          </Text>
        </Section>
      )}

      <Section
        title="上传凭证"
        error={errorOf('evidence')}
        extra={<Text>{`照片最多${LIMITS.maxImages}张，视频${LIMITS.maxVideos}个`}</Text>}
        id="field-evidence"
      >
        <EvidenceUploader
          items={uploaderItems}
          maxImages={LIMITS.maxImages}
          maxVideos={LIMITS.maxVideos}
          onAdd={() => void addEvidence()}
          onRemove={(id) => removeEvidence(orderId, id)}
          onRetry={(id) => retryEvidence(orderId, id)}
          onPreview={preview}
          onTag={(id) => void chooseTag(id)}
        />
        <Text className="muted apply-page__tip">商品问题实拍、物流截图、聊天记录都可以作为凭证；点图片下方可标注类型</Text>
        {form.wantsUnboxingVideo && (
          <View className="apply-page__valuable">
            <Alert tone="warn" title="贵重商品建议上传开箱视频">
              「{form.wantsUnboxingVideo.title}」单价较高，开箱视频能最快证明商品问题。
            </Alert>
            <Button className="btn" onClick={() => void addEvidence('video', 'unboxing')}>
              上传开箱视频
            </Button>
          </View>
        )}
      </Section>

      {form.blocking.length > 0 && (
        <Section title="暂不能提交">
          {form.blocking.map((v) => (
            <Alert key={`${v.rule}-${v.code}-${v.field ?? ''}`} tone="danger" title={v.message} solution={v.solution} />
          ))}
        </Section>
      )}

      <Section title="提交前请了解">
        {form.notices.map((n, i) => (
          <Text key={`${n.rule}-${i}`} className="apply-page__notice">
            · {n.text}
          </Text>
        ))}
        <Text className="apply-page__notice">· 提交后商家会在 {formatTime(form.preview.deadlines.autoApproveAt)} 前处理，超时系统自动同意</Text>
        <Text className="link apply-page__help" onClick={() => go(routes.help(orderId))}>
          售后帮助：常见问题与维权建议 ›
        </Text>
      </Section>

      <BottomBar
        aside={
          <View className="apply-page__sum">
            {exchange ? (
              <Text className="muted">换货 · {draft.exchangeNote?.trim() || '请填写想换的款式'}</Text>
            ) : (
              <>
                <Text className="muted">退款 </Text>
                {form.amountFen !== null ? <AmountText fen={form.amountFen} size="lg" /> : <Text className="muted">--</Text>}
              </>
            )}
          </View>
        }
      >
        <Button className={`btn btn--primary apply-page__submit${submitting ? ' btn--disabled' : ''}`} loading={submitting || undefined} disabled={submitting || undefined} onClick={() => void submit()}>
          提交申请
        </Button>
      </BottomBar>
    </View>
  );
}

export default function ApplyPage() {
  const { params } = useRouter();
  const orderId = params.orderId ?? '';
  const skuId = params.skuId;
  const order = useOrdersStore((s) => s.byId[orderId]);
  const error = useOrdersStore((s) => s.detailError[orderId]);
  const fetchOrder = useOrdersStore((s) => s.fetchOrder);
  const draft = useDraftStore((s) => s.drafts[orderId]);
  const open = useDraftStore((s) => s.open);

  useEffect(() => {
    void fetchOrder(orderId);
    // Uploads go under the caller's own prefix, so who the caller is must be known before the first photo.
    void useIdentityStore.getState().load();
  }, [fetchOrder, orderId]);
  // Once per visit: a submitted draft is discarded while the page is still on screen, and opening a
  // new one then would save the line just applied for as the order's draft for its next application.
  const opened = useRef(false);
  useEffect(() => {
    if (order && !draft && !opened.current) {
      opened.current = true;
      open(orderId, remainingUnits(order), skuId);
    }
  }, [order, draft, open, orderId, skuId]);

  if (!order || !draft) return <PageState loading={!error} error={error} onRetry={() => void fetchOrder(orderId)} />;
  return <ApplyForm order={order} draft={draft} />;
}
