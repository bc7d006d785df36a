import Taro, { useDidShow, usePullDownRefresh, useRouter } from '@tarojs/taro';
import { Button, Text, Textarea, View } from '@tarojs/components';
import { useState } from 'react';
import type { EvidenceInput, ModifyRequest, VerifyResult } from '../../../types/api';
import type { AfterSaleCase, EvidenceTag, PayChannel } from '../../../types/domain';
import Alert from '../../components/Alert';
import AmountText from '../../components/AmountText';
import BottomBar from '../../components/BottomBar';
import CaseSteps from '../../components/CaseSteps';
import { caseSteps, refundNote } from '../../components/CaseSteps/steps';
import Conversation from '../../components/Conversation';
import ContactShop from '../../components/ContactShop';
import Countdown from '../../components/Countdown';
import CourierPicker, { shipmentProblem } from '../../components/CourierPicker';
import EvidenceGallery from '../../components/EvidenceGallery';
import PageState from '../../components/PageState';
import Section from '../../components/Section';
import Timeline from '../../components/Timeline';
import {
  ACTION_LABELS,
  ACTOR_LABELS,
  CASE_STATUS_LABELS,
  CASE_STATUS_TONES,
  CASE_TYPE_LABELS,
  REJECT_REASON_LABELS,
  refundDestination,
} from '../../components/labels';
import { verifyChain } from '../../core/chain';
import { REASON_LABELS } from '../../core/classifier-data';
import { allowedEvents } from '../../core/lifecycle';
import { formatYuan } from '../../core/money';
import { partyEvidence } from '../../core/rules';
import { LIMITS } from '../../core/settings';
import { formatTime, HOUR_MS } from '../../core/time';
import { useNow } from '../../hooks/useNow';
import { callAfterSale, describeError } from '../../services/cloud';
import { getDevOpenid } from '../../services/identity';
import { pickMedia, prepareMedia, uploadEvidence } from '../../services/upload';
import { useCasesStore, type CaseAction } from '../../stores/cases';
import { useIdentityStore } from '../../stores/identity';
import { useOrdersStore } from '../../stores/orders';
import { go, routes } from '../routes';
import ModifyForm from './parts/ModifyForm';
import './index.scss';

/** Where this case's money goes and when it arrives, by the order's channel and the latest attempt. */
function destinationOf(c: AfterSaleCase, channel: PayChannel | undefined) {
  const last = c.refunds[c.refunds.length - 1];
  return channel ? refundDestination(channel, last) : last?.method === 'DESIGNATED_ACCOUNT' ? refundDestination('THIRD_PARTY', last) : undefined;
}

/**
 * A refund that could not be paid, as the buyer needs to read it: the catalogue's solutions for these
 * codes are the shop's instructions (补全企业资质, 改为指定账户), which the buyer can do nothing about.
 */
const BUYER_REFUND_ERRORS: Record<string, { title?: string; text: string }> = {
  MERCHANT_ACCOUNT_ABNORMAL: {
    title: '商家收款账户待完善，退款暂未打出',
    text: '您的退款已经同意，无需重新申请。商家需先完善微信支付账户资料，完成后系统会自动重新退款，无需您操作。着急的话可以联系商家催一催。',
  },
  PAYMENT_CHANNEL_RESTRICTED: {
    text: '退款已经同意。商家会联系您，协商把钱退到您指定的账户；也可以主动联系商家。',
  },
  REFUND_ABNORMAL: {
    text: '退款已经同意，但原支付账户暂时无法收款。商家会改为转入您指定的账户或线下退款，请留意商家联系；也可以主动联系商家。',
  },
  REFUND_CLOSED: {
    text: '系统会以新的退款单号自动重新退款，无需您操作。',
  },
};

/** The R8 answer from the cloud speaks of 退出 and the bank; the buyer is told where the money went and when. */
function notReceivedYet(c: AfterSaleCase, channel: PayChannel | undefined): { title: string; content: string } | undefined {
  const paid = c.refunds.find((r) => r.status === 'SUCCESS');
  const dest = destinationOf(c, channel);
  if (!paid || !dest) return undefined;
  const settledAt = paid.settledAt ?? paid.at;
  const askFrom = settledAt + LIMITS.refundSyncDelayHours * HOUR_MS;
  return {
    title: `退款已于${formatTime(settledAt)}退回${dest.to}`,
    content: `${dest.arrival}，请耐心等待；${formatTime(askFrom)}后仍未到账，可再点「退款未到账」提交工单查询（退款单号${paid.outRefundNo}）`,
  };
}

/** What the buyer is waiting for in each status, under the status title. */
function statusLine(c: AfterSaleCase, channel?: PayChannel): string {
  const dest = destinationOf(c, channel);
  switch (c.status) {
    case 'PENDING':
      return '商家正在处理您的申请';
    case 'NEGOTIATING':
      return c.lastError?.code === 'GOODS_UNSEALED' ? '商家反馈商品已拆封，请补充未使用证明或与商家协商' : '商家提出了协商方案，请确认';
    case 'AWAITING_RETURN':
      return c.type === 'EXCHANGE' ? '商家已同意换货，请按退货地址寄回商品' : '商家已同意，请按退货地址寄回商品';
    case 'RETURN_SHIPPED':
      return c.type === 'EXCHANGE' ? '商品已寄出，商家收到后将发出换货' : '商品已寄出，等待商家确认收货';
    case 'AWAITING_RESHIP':
      return '商家已收到退回的商品，正在安排发出换货';
    case 'RESHIPPED':
      return '换货商品已发出，收到后请确认收货';
    case 'EXCHANGED':
      return '换货已完成';
    case 'REFUNDING':
      return dest ? `退款处理中，将退回${dest.to}，${dest.arrival}` : '退款处理中，将原路退回';
    case 'REFUNDED':
      return dest ? `退款已退回${dest.to}，${dest.arrival}` : '退款已原路退回，请留意到账';
    case 'REFUND_FAILED':
      return (c.lastError && (BUYER_REFUND_ERRORS[c.lastError.code]?.title ?? c.lastError.message)) ?? '退款暂未成功，商家正在处理';
    case 'REJECTED':
      return '商家拒绝了您的申请，可以申请平台介入';
    case 'ESCALATED':
      return '平台已介入，会在3个工作日内给出处理方案';
    case 'CANCELLED':
      return '您已撤销本次申请';
    case 'CLOSED':
      return '售后已关闭';
    default:
      return '';
  }
}

/** The deadline of the current status and what happens when it passes (R16, R23, R24). */
function deadlineSuffix(c: AfterSaleCase): string | undefined {
  switch (c.status) {
    case 'PENDING':
      return '商家未处理将自动同意';
    case 'NEGOTIATING':
      return '内未答复将转平台处理';
    case 'AWAITING_RETURN':
      return '内未寄回售后将关闭';
    case 'RETURN_SHIPPED':
      return '后系统自动确认收货';
    case 'AWAITING_RESHIP':
      return '内未发出换货将自动转为退款';
    case 'RESHIPPED':
      return '后系统自动确认收到换货';
    case 'REJECTED':
      return '内可申请平台介入';
    case 'ESCALATED':
      return '内平台给出处理方案';
    default:
      return undefined;
  }
}

const CONFIRM_TEXT: Partial<Record<CaseAction, { title: string; content: string }>> = {
  cancel: { title: '撤销售后申请？', content: '撤销后本次申请关闭，在售后期内可以重新申请' },
  acceptOffer: { title: '同意协商金额？', content: '同意后将按协商金额退款' },
  declineOffer: { title: '拒绝协商金额？', content: '拒绝后将转由平台介入处理' },
  confirmReceipt: { title: '确认已收到换货商品？', content: '确认后换货完成；如新商品有问题，可在售后期内再次申请售后' },
};

function CaseView({ c }: { c: AfterSaleCase }) {
  const now = useNow(30_000);
  const act = useCasesStore((s) => s.act);
  const busy = useCasesStore((s) => s.busy[c._id]);
  const order = useOrdersStore((s) => s.byId[c.orderId]);
  const identity = useIdentityStore((s) => s.identity);
  const [company, setCompany] = useState('');
  const [trackingNo, setTrackingNo] = useState('');
  const [escalateNote, setEscalateNote] = useState('');
  const [verified, setVerified] = useState<{ device: VerifyResult; cloud?: VerifyResult } | undefined>();
  const [uploading, setUploading] = useState<string | undefined>();
  const [historyDetail, setHistoryDetail] = useState(false);
  const [editing, setEditing] = useState(false);
  const channel = order?.payChannel;
  const openid = identity?.openid ?? getDevOpenid();

  const allowed = allowedEvents(c, 'BUYER', now);
  const suffix = deadlineSuffix(c);
  const legal = c.legalEntry === true || ((c.status === 'REJECTED' || c.status === 'ESCALATED') && c.amountFen >= LIMITS.legalThresholdFen);
  const exchange = c.type === 'EXCHANGE';
  const steps = caseSteps(c, channel);
  const canModify = allowed.includes('MODIFY');

  const run = async <A extends CaseAction>(action: A, req: Parameters<typeof callAfterSale<A>>[1], success: string): Promise<boolean> => {
    const confirm = CONFIRM_TEXT[action];
    if (confirm) {
      const r = await Taro.showModal({ ...confirm, confirmText: '确定', cancelText: '再想想' });
      if (!r.confirm) return false;
    }
    try {
      const next = await act(action, req);
      if (next) void Taro.showToast({ title: success, icon: 'success' });
      return next !== undefined;
    } catch (e) {
      const described = describeError(e);
      const early = described.code === 'REFUND_SYNC_DELAYED' ? notReceivedYet(c, channel) : undefined;
      const { title, content } = early ?? { title: described.message, content: described.solution };
      void Taro.showModal({ title, content, showCancel: false, confirmText: '知道了' });
      return false;
    }
  };

  const sendMessage = (text: string, evidence: EvidenceInput[]) =>
    run('message', { caseId: c._id, text, ...(evidence.length > 0 ? { evidence } : {}) }, '已发送');

  const submitModify = async (req: ModifyRequest) => {
    const done = await run('modify', req, '已重新提交');
    if (done) setEditing(false);
    return done;
  };

  const startModify = () => {
    setEditing(true);
    setTimeout(() => void Taro.pageScrollTo({ selector: '#case-modify', duration: 300 }), 50);
  };

  const toContact = () => void Taro.pageScrollTo({ selector: '#case-contact', duration: 300 });

  const shipReturn = () => {
    const problem = shipmentProblem(company, trackingNo);
    if (problem) {
      void Taro.showToast({ title: problem, icon: 'none' });
      return;
    }
    void run('shipReturn', { caseId: c._id, company: company.trim(), trackingNo: trackingNo.trim() }, '已提交退货物流');
  };

  const escalate = () => {
    if (escalateNote.trim().length < 2) {
      void Taro.showToast({ title: '请写明申请平台介入的理由', icon: 'none' });
      return;
    }
    void run('escalate', { caseId: c._id, note: escalateNote.trim() }, '已申请平台介入');
  };

  const addEvidence = async () => {
    // R22 per party: only the buyer's own evidence counts, never the shop's QC report.
    const own = partyEvidence(c, 'BUYER');
    const images = own.filter((e) => e.kind === 'image').length;
    const videos = own.filter((e) => e.kind === 'video').length;
    const freeImages = LIMITS.maxImages - images;
    const freeVideos = LIMITS.maxVideos - videos;
    if (freeImages <= 0 && freeVideos <= 0) {
      void Taro.showToast({ title: '凭证数量已达上限', icon: 'none' });
      return;
    }
    let picked;
    try {
      picked = await pickMedia(freeImages, freeVideos);
    } catch {
      return;
    }
    // Added after the application: the shop and the platform see it named 补充凭证.
    const tag: EvidenceTag | undefined =
      c.lastError?.code === 'GOODS_UNSEALED' || c.evidenceRequest || c.status === 'REJECTED' || c.status === 'ESCALATED' ? 'proof' : undefined;
    const evidence = [];
    try {
      for (const [i, m] of picked.slice(0, freeImages + freeVideos).entries()) {
        setUploading(`正在上传第${i + 1}个，共${picked.length}个`);
        const prepared = await prepareMedia(m);
        const up = await uploadEvidence(prepared, openid, (p) => setUploading(`正在上传第${i + 1}个 ${p}%`));
        evidence.push({ fileId: up.fileId, kind: m.kind, sha256: up.sha256, ...(tag ? { tag } : {}) });
      }
    } catch (e) {
      setUploading(undefined);
      const { message, solution } = describeError(e);
      void Taro.showModal({ title: message, content: solution, showCancel: false, confirmText: '知道了' });
      return;
    }
    setUploading(undefined);
    if (evidence.length > 0) void run('addEvidence', { caseId: c._id, evidence }, '凭证已补充');
  };

  const verify = async () => {
    const device = verifyChain(c.history);
    setVerified({ device });
    try {
      const cloud = await callAfterSale('verify', { caseId: c._id });
      setVerified({ device, cloud });
    } catch (e) {
      void Taro.showToast({ title: describeError(e).message, icon: 'none' });
    }
  };

  const copyAddress = () => {
    const a = c.returnAddress;
    if (!a) return;
    void Taro.setClipboardData({ data: `${a.name} ${a.phone} ${a.address}` }).then(() => Taro.showToast({ title: '退货地址已复制', icon: 'none' }));
  };

  const verifyOk = verified && verified.device.ok && (!verified.cloud || verified.cloud.ok);
  const brokenAt = verified?.cloud?.brokenAt ?? verified?.device.brokenAt;
  // The cloud also holds the case to its anchor and money (chain.ts verifyCase): past the last record means newest records removed or amounts changed.
  const brokenText =
    brokenAt !== undefined && brokenAt >= c.history.length
      ? '存证校验未通过：售后单与处理记录不符，可能有记录被删除或金额被改动'
      : `存证校验未通过：第${(brokenAt ?? 0) + 1}条记录与前一条不一致`;
  const refundError = c.lastError ? BUYER_REFUND_ERRORS[c.lastError.code] : undefined;

  return (
    <View className="case-page">
      <View className={`case-head case-head--${CASE_STATUS_TONES[c.status]}`}>
        <View className="case-head__row">
          <Text className="case-head__title">{CASE_STATUS_LABELS[c.status]}</Text>
        </View>
        <Text className="case-head__line">{statusLine(c, channel)}</Text>
        {suffix && c.deadlineAt !== undefined && (
          <View className="case-head__countdown">
            <Countdown deadlineAt={c.deadlineAt} suffix={suffix} />
          </View>
        )}
      </View>

      {c.lastError && c.status !== 'NEGOTIATING' && (
        <View className="case-page__alert">
          {refundError ? (
            <Alert tone="warn" title={refundError.title ?? c.lastError.message}>
              <Text>{refundError.text}</Text>
              {order && (
                <View className="case-page__alert-actions">
                  <Button className="btn btn--small case-page__alert-action" onClick={toContact}>
                    联系商家
                  </Button>
                </View>
              )}
            </Alert>
          ) : (
            <Alert tone="danger" title={c.lastError.message} solution={c.lastError.solution} />
          )}
        </View>
      )}

      {c.evidenceRequest && (
        <View className="case-page__ask">
          <Alert tone="warn" title="商家请您补充凭证">
            <Text>{c.evidenceRequest.note}</Text>
            {allowed.includes('ADD_EVIDENCE') && (
              <View className="case-page__alert-actions">
                <Button className="btn btn--primary" disabled={uploading ? true : undefined} onClick={() => void addEvidence()}>
                  {uploading ?? '补充凭证'}
                </Button>
              </View>
            )}
          </Alert>
        </View>
      )}

      {steps && (
        <Section title="售后进度">
          <CaseSteps steps={steps} note={refundNote(c, channel)} />
          {exchange && c.exchangeNote && <Text className="case-page__note">换成：{c.exchangeNote}</Text>}
        </Section>
      )}

      {editing && canModify && (
        <ModifyForm c={c} openid={openid} busy={busy !== undefined} onSubmit={submitModify} onCancel={() => setEditing(false)} />
      )}

      {c.status === 'NEGOTIATING' && c.offer && (
        <Section title="协商方案">
          <View className="kv">
            <Text className="kv__k">商家同意退款</Text>
            <AmountText fen={c.offer.amountFen} size="lg" />
          </View>
          <View className="kv">
            <Text className="kv__k">您申请的</Text>
            <AmountText fen={c.amountFen} strike />
          </View>
          <Text className="case-page__note">商家说明：{c.offer.note}</Text>
          {c.lastError?.code === 'GOODS_UNSEALED' && <Alert tone="warn" title={c.lastError.message} solution={c.lastError.solution} />}
        </Section>
      )}

      {c.reship && (
        <Section title="换货物流">
          <View className="kv">
            <Text className="kv__k">{c.reship.company}</Text>
            <Text className="kv__v">{c.reship.trackingNo}</Text>
          </View>
          <Text className="muted">发出时间 {formatTime(c.reship.at)}</Text>
        </Section>
      )}

      {exchange && c.convertedAt !== undefined && (
        <View className="case-page__alert">
          <Alert tone="warn" title="商家无法换货，已为您转为退款">
            <Text>退款按所换商品的实付金额计算，将原路退回。</Text>
          </Alert>
        </View>
      )}

      {c.status === 'REJECTED' && c.rejection && (
        <Section title="拒绝原因">
          <Text className="case-page__note">
            {REJECT_REASON_LABELS[c.rejection.reasonCode] ?? '其他原因'}：{c.rejection.note}
          </Text>
          {(canModify || allowed.includes('ADD_EVIDENCE')) && (
            <Text className="case-page__note muted">
              如对拒绝有异议：可补充凭证（平台介入时可见），或修改申请后重新提交给商家，也可以申请平台介入。
            </Text>
          )}
          <View className="case-page__alert-actions">
            {allowed.includes('ADD_EVIDENCE') && (
              <Button className="btn" disabled={uploading ? true : undefined} onClick={() => void addEvidence()}>
                {uploading ?? '补充凭证'}
              </Button>
            )}
          </View>
        </Section>
      )}

      {c.returnAddress && (c.status === 'AWAITING_RETURN' || c.status === 'RETURN_SHIPPED') && (
        <Section title="退货地址" extra={<Text className="link" onClick={copyAddress}>复制</Text>}>
          <Text className="case-page__address">
            {c.returnAddress.name}　{c.returnAddress.phone}
          </Text>
          <Text className="case-page__address">{c.returnAddress.address}</Text>
          {c.insured && <Text className="case-page__insured">本单有退货运费险，寄回运费由保险承担</Text>}
        </Section>
      )}

      {allowed.includes('SHIP_RETURN') && (
        <Section title="填写退货物流">
          <CourierPicker company={company} trackingNo={trackingNo} onCompany={setCompany} onTrackingNo={setTrackingNo} />
        </Section>
      )}

      {c.returnShipment && (
        <Section title="退货物流">
          <View className="kv">
            <Text className="kv__k">{c.returnShipment.company}</Text>
            <Text className="kv__v">{c.returnShipment.trackingNo}</Text>
          </View>
          <Text className="muted">寄出时间 {formatTime(c.returnShipment.at)}</Text>
        </Section>
      )}

      {allowed.includes('ESCALATE') && (
        <Section title="申请平台介入">
          <Textarea
            className="case-page__textarea"
            value={escalateNote}
            maxlength={500}
            placeholder="说说您为什么不认同商家的处理，平台会在3个工作日内给出处理方案"
            onInput={(e) => setEscalateNote(e.detail.value)}
          />
        </Section>
      )}

      {legal && (
        <Section title="微信小法庭">
          <Text className="case-page__note">
            争议金额 {formatYuan(c.amountFen)}，已达 {formatYuan(LIMITS.legalThresholdFen)}，可以通过「微信小法庭」在线调解。在微信搜索「微信小法庭」小程序，提交本售后单号即可。
          </Text>
          <Button
            className="btn case-page__legal"
            onClick={() => void Taro.setClipboardData({ data: c._id }).then(() => Taro.showToast({ title: '售后单号已复制', icon: 'none' }))}
          >
            复制售后单号
          </Button>
        </Section>
      )}

      <Section title="申请信息">
        <View className="kv">
          <Text className="kv__k">售后类型</Text>
          <Text className="kv__v">{CASE_TYPE_LABELS[c.type]}</Text>
        </View>
        <View className="kv">
          <Text className="kv__k">原因</Text>
          <Text className="kv__v">{REASON_LABELS[c.reason]}</Text>
        </View>
        {exchange ? (
          <View className="kv">
            <Text className="kv__k">换成</Text>
            <Text className="kv__v">{c.exchangeNote ?? ''}</Text>
          </View>
        ) : (
          <View className="kv">
            <Text className="kv__k">申请金额</Text>
            <AmountText fen={c.amountFen} />
          </View>
        )}
        {c.approvedFen !== undefined && (
          <View className="kv">
            <Text className="kv__k">同意退款</Text>
            <AmountText fen={c.approvedFen} />
          </View>
        )}
        <View className="kv">
          <Text className="kv__k">手续费</Text>
          <Text className="kv__v">{c.feeBearer === 'MERCHANT' ? `${formatYuan(c.feeFen)}（商家承担）` : '免手续费'}</Text>
        </View>
        {(c.itemTitles?.length ?? 0) > 0 && (
          <View className="kv">
            <Text className="kv__k">商品</Text>
            <Text className="kv__v">{c.itemTitles?.map((t, i) => `${t} ×${c.items[i]?.qty ?? 1}`).join('、')}</Text>
          </View>
        )}
        {c.description && <Text className="case-page__note">{c.description}</Text>}
        <View className="kv">
          <Text className="kv__k">售后单号</Text>
          <Text className="kv__v">{c._id}</Text>
        </View>
        <View className="kv">
          <Text className="kv__k">申请时间</Text>
          <Text className="kv__v">{formatTime(c.createdAt)}</Text>
        </View>
      </Section>

      {c.refunds.length > 0 && (
        <Section title="退款进度">
          {c.refunds.map((r) => (
            <View key={r.outRefundNo} className="kv">
              <Text className="kv__k">{r.status === 'SUCCESS' ? `已退回 ${r.settledAt ? formatTime(r.settledAt) : ''}` : r.status === 'PROCESSING' ? '退款处理中' : '本次退款未成功'}</Text>
              <AmountText fen={r.amountFen} size="sm" />
            </View>
          ))}
        </Section>
      )}

      <Section title="协商记录" id="case-talk">
        <Conversation
          messages={c.messages}
          viewer="BUYER"
          openid={openid}
          evidence={c.evidence}
          buyerOpenid={c.buyerOpenid}
          onSend={allowed.includes('MESSAGE') ? sendMessage : undefined}
        />
      </Section>

      <Section
        title="凭证"
        extra={
          allowed.includes('ADD_EVIDENCE') ? (
            <Text className="link" onClick={() => void addEvidence()}>
              {uploading ?? '补充凭证'}
            </Text>
          ) : undefined
        }
      >
        <EvidenceGallery evidence={c.evidence} />
      </Section>

      <Section
        title="处理记录"
        extra={
          <View className="case-page__history-links">
            <Text className="link" onClick={() => setHistoryDetail((on) => !on)}>
              {historyDetail ? '收起详情' : '详情'}
            </Text>
            <Text className="link" onClick={() => void verify()}>
              校验存证
            </Text>
          </View>
        }
      >
        {verified && (
          <View className="case-page__verify">
            <Alert tone={verifyOk ? 'success' : 'danger'} title={verifyOk ? `存证校验通过：${c.history.length}条记录环环相扣，未被改动` : brokenText}>
              {verified.cloud ? '本机与云端各校验了一次' : '本机已校验，云端校验中'}
            </Alert>
          </View>
        )}
        <Timeline
          entries={[...c.history].reverse().map((h, i) => ({
            key: `${h.hash}-${i}`,
            title: ACTION_LABELS[h.action] ?? CASE_STATUS_LABELS[h.to],
            detail: h.note,
            // The record's fingerprint is for those who check it (「详情」), not every line of the timeline.
            time: `${formatTime(h.at)} · ${ACTOR_LABELS[h.actor]}${historyDetail ? ` · 存证编号 ${h.hash.slice(0, 8)}` : ''}`,
          }))}
        />
      </Section>

      {order && (
        <Section title="联系商家" id="case-contact">
          <ContactShop hotline={order.shop.settings.hotline} officialAccount={order.shop.settings.officialAccount} />
        </Section>
      )}

      <View className="case-page__links">
        <Text className="link" onClick={() => go(routes.help(c.orderId))}>
          售后帮助 ›
        </Text>
        <Text className="link" onClick={() => go(routes.order(c.orderId))}>
          查看订单 ›
        </Text>
      </View>

      {allowed.some((e) => e !== 'MESSAGE') && (
        <BottomBar>
          {canModify && !editing && (
            <Button className={`btn${busy ? ' btn--disabled' : ''}`} disabled={busy ? true : undefined} onClick={startModify}>
              修改申请
            </Button>
          )}
          {allowed.includes('CANCEL') && (
            <Button className={`btn${busy ? ' btn--disabled' : ''}`} disabled={busy ? true : undefined} onClick={() => void run('cancel', { caseId: c._id }, '已撤销申请')}>
              撤销申请
            </Button>
          )}
          {allowed.includes('DECLINE_OFFER') && (
            <Button className={`btn${busy ? ' btn--disabled' : ''}`} disabled={busy ? true : undefined} onClick={() => void run('declineOffer', { caseId: c._id }, '已转平台处理')}>
              不同意
            </Button>
          )}
          {allowed.includes('ACCEPT_OFFER') && (
            <Button className={`btn btn--primary${busy ? ' btn--disabled' : ''}`} loading={busy === 'acceptOffer' || undefined} disabled={busy ? true : undefined} onClick={() => void run('acceptOffer', { caseId: c._id }, '已同意协商')}>
              同意协商
            </Button>
          )}
          {allowed.includes('SHIP_RETURN') && (
            <Button className={`btn btn--primary${busy ? ' btn--disabled' : ''}`} loading={busy === 'shipReturn' || undefined} disabled={busy ? true : undefined} onClick={shipReturn}>
              提交退货物流
            </Button>
          )}
          {allowed.includes('ESCALATE') && (
            <Button className={`btn btn--primary${busy ? ' btn--disabled' : ''}`} loading={busy === 'escalate' || undefined} disabled={busy ? true : undefined} onClick={escalate}>
              申请平台介入
            </Button>
          )}
          {allowed.includes('CONFIRM_RECEIPT') && (
            <Button className={`btn btn--primary${busy ? ' btn--disabled' : ''}`} loading={busy === 'confirmReceipt' || undefined} disabled={busy ? true : undefined} onClick={() => void run('confirmReceipt', { caseId: c._id }, '换货已完成')}>
              确认收货
            </Button>
          )}
          {allowed.includes('REPORT_NOT_RECEIVED') && (
            <Button className={`btn${busy ? ' btn--disabled' : ''}`} loading={busy === 'reportNotReceived' || undefined} disabled={busy ? true : undefined} onClick={() => void run('reportNotReceived', { caseId: c._id }, '已提交工单')}>
              退款未到账
            </Button>
          )}
          {allowed.includes('ADD_EVIDENCE') && !allowed.includes('ACCEPT_OFFER') && !allowed.includes('ESCALATE') && (
            <Button className={`btn btn--primary${busy || uploading ? ' btn--disabled' : ''}`} disabled={busy || uploading ? true : undefined} onClick={() => void addEvidence()}>
              补充凭证
            </Button>
          )}
        </BottomBar>
      )}
    </View>
  );
}

export default function CasePage() {
  const { params } = useRouter();
  const caseId = params.id ?? '';
  const c = useCasesStore((s) => s.byId[caseId]);
  const error = useCasesStore((s) => s.detailError[caseId]);
  const fetchCase = useCasesStore((s) => s.fetchCase);
  const fetchOrder = useOrdersStore((s) => s.fetchOrder);

  const load = async () => {
    const got = await fetchCase(caseId);
    if (got && !useOrdersStore.getState().byId[got.orderId]) void fetchOrder(got.orderId);
  };
  useDidShow(() => void load());
  usePullDownRefresh(() => {
    void load().finally(() => Taro.stopPullDownRefresh());
  });

  if (!c) return <PageState loading={!error} error={error} onRetry={() => void load()} />;
  return <CaseView c={c} />;
}
