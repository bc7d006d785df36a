import { Text, View } from '@tarojs/components';
import { useMemo, useState, type ReactNode } from 'react';
import type { BuyerCaseSummary } from '../../../../types/api';
import type { AfterSaleCase, Evidence, Order } from '../../../../types/domain';
import EvidenceGallery from '../../../components/EvidenceGallery';
import { CASE_STATUS_LABELS, CASE_TYPE_LABELS, PAY_CHANNEL_LABELS, REJECT_REASON_LABELS } from '../../../components/labels';
import Section from '../../../components/Section';
import Timeline from '../../../components/Timeline';
import { verifyChain } from '../../../core/chain';
import { REASON_LABELS } from '../../../core/classifier-data';
import { ACTION_LABELS } from '../../../core/lifecycle';
import { formatYuan } from '../../../core/money';
import { formatTime } from '../../../core/time';
import { ACTOR_LABEL, ATTEMPT_STATUS_LABEL } from '../../logic/labels';
import type { RuleNote } from '../../logic/rules';
import './index.scss';

/** 「详情」: the internal details (rule ids, confidence, the chain's fingerprint) for those who want them. */
function DetailToggle({ on, onChange }: { on: boolean; onChange(next: boolean): void }) {
  return (
    <Text className="m-link" onClick={() => onChange(!on)}>
      {on ? '收起' : '详情'}
    </Text>
  );
}

function Row({ label, value, strong }: { label: string; value: string; strong?: boolean }) {
  return (
    <View className="m-kv">
      <Text className="m-kv__k">{label}</Text>
      <Text className={`m-kv__v${strong ? ' m-kv__v--strong' : ''}`}>{value}</Text>
    </View>
  );
}

/** The order as it was paid: what the case claims is marked, so the reviewer sees the rest too. */
export function OrderSnapshot({ c, order }: { c: AfterSaleCase; order: Order }) {
  const claimed = new Map(c.items.map((i) => [i.skuId, i.qty]));
  const lastEvent = order.logistics?.events[order.logistics.events.length - 1];
  return (
    <Section title="订单快照" extra={<Text>{order._id}</Text>}>
      {order.items.map((it) => (
        <View key={it.skuId} className={`m-line${claimed.has(it.skuId) ? ' m-line--claimed' : ''}`}>
          <View className="m-line__main">
            <Text className="m-line__title">{it.title}</Text>
            <Text className="m-line__meta">
              实付 {formatYuan(it.paidFen)} · 共 {it.qty} 件
            </Text>
          </View>
          {claimed.has(it.skuId) && <Text className="m-line__claim">申请 {claimed.get(it.skuId)} 件</Text>}
        </View>
      ))}
      <Row label="实付金额" value={`${formatYuan(order.paidFen)}（含运费 ${formatYuan(order.shippingFen)}）`} />
      <Row label="支付方式" value={PAY_CHANNEL_LABELS[order.payChannel]} />
      <Row label="付款时间" value={formatTime(order.paidAt)} />
      {order.deliveredAt !== undefined && <Row label="签收时间" value={formatTime(order.deliveredAt)} />}
      {order.logistics && (
        <Row
          label="物流"
          value={`${order.logistics.company} ${order.logistics.trackingNo}${lastEvent ? `｜${lastEvent.text}` : '｜无物流记录'}`}
        />
      )}
      {order.insured && <Row label="退货运费险" value="已投保，退货运费由保险承担" />}
    </Section>
  );
}

/** Evidence grouped by who gave it: the gallery's own captions speak to the buyer (「我」). */
export function EvidenceBlock({ evidence, extra }: { evidence: Evidence[]; extra?: ReactNode }) {
  const strip = (list: Evidence[]) => list.map(({ by: _by, ...e }) => e);
  const fromBuyer = strip(evidence.filter((e) => e.by === undefined || e.by === 'BUYER'));
  const fromShop = strip(evidence.filter((e) => e.by === 'MERCHANT' || e.by === 'PLATFORM'));
  return (
    <Section title="凭证" extra={extra}>
      <Text className="m-sub">买家提供（点击查看大图，视频可播放）</Text>
      <EvidenceGallery evidence={fromBuyer} emptyText="买家未上传凭证" />
      {fromShop.length > 0 && (
        <>
          <Text className="m-sub">商家提供</Text>
          <EvidenceGallery evidence={fromShop} />
        </>
      )}
    </Section>
  );
}

const DECISION_TEXT = { APPROVE: '建议同意', REJECT: '建议拒绝', ASK_EVIDENCE: '建议请买家补充凭证' } as const;

/** R26: what the text reads as, the suggested decision and why. */
export function SuggestionCard({ c, onAskEvidence }: { c: AfterSaleCase; onAskEvidence?: () => void }) {
  const [detail, setDetail] = useState(false);
  const s = c.suggestion;
  if (!s) return null;
  return (
    <Section title="智能处理建议" extra={<DetailToggle on={detail} onChange={setDetail} />}>
      <View className="m-suggest__row">
        <Text className={`m-suggest m-suggest--${s.decision}`}>{DECISION_TEXT[s.decision]}</Text>
        {s.decision === 'ASK_EVIDENCE' && onAskEvidence && (
          <Text className="m-link" onClick={onAskEvidence}>
            请买家补充凭证
          </Text>
        )}
      </View>
      <Text className="m-why">
        买家描述像是「{REASON_LABELS[s.reason]}」{detail ? `（识别把握 ${Math.round(s.confidence * 100)}%）` : ''}
      </Text>
      {s.why.map((w) => (
        <Text key={w} className="m-why">
          · {w}
        </Text>
      ))}
    </Section>
  );
}

/** R20: the fee and who bears it, beside the amounts. */
export function MoneyCard({ c }: { c: AfterSaleCase }) {
  return (
    <Section title="金额与手续费">
      <Row label="买家申请" value={formatYuan(c.amountFen)} strong />
      {c.approvedFen !== undefined && <Row label="同意退款" value={formatYuan(c.approvedFen)} strong />}
      {c.compensationFen !== undefined && c.compensationFen > 0 && <Row label="其中补偿" value={formatYuan(c.compensationFen)} />}
      {c.offer && <Row label="协商金额" value={`${formatYuan(c.offer.amountFen)}（${c.offer.note}）`} />}
      <Row
        label="退款手续费"
        value={c.feeBearer === 'NONE' ? '免收（非卖家责任）' : `${formatYuan(c.feeFen)}，由商家承担（卖家责任，按平台费率）`}
      />
      {c.rejection && <Row label="拒绝原因" value={`${REJECT_REASON_LABELS[c.rejection.reasonCode]}：${c.rejection.note}`} />}
    </Section>
  );
}

export function RulesCard({ notes }: { notes: RuleNote[] }) {
  const [detail, setDetail] = useState(false);
  return (
    <Section title="处理须知" extra={<DetailToggle on={detail} onChange={setDetail} />}>
      {notes.map((n) => (
        <View key={`${n.rule}-${n.text}`} className="m-rule">
          {detail ? <Text className="m-rule__id">{n.rule}</Text> : <Text className="m-rule__dot">·</Text>}
          <Text className="m-rule__text">{n.text}</Text>
        </View>
      ))}
    </Section>
  );
}

/** R22 存证: the history's hash chain, checked on this phone from the case as received. */
export function ChainCheck({ c }: { c: AfterSaleCase }) {
  const result = useMemo(() => verifyChain(c.history), [c.history]);
  const [detail, setDetail] = useState(false);
  return (
    <Section title="存证校验" extra={c.history.length > 0 ? <DetailToggle on={detail} onChange={setDetail} /> : undefined}>
      {result.ok ? (
        <Text className="m-chain m-chain--ok">✓ {c.history.length} 条处理记录环环相扣，未被改动</Text>
      ) : (
        <Text className="m-chain m-chain--bad">
          ✗ 第 {(result.brokenAt ?? 0) + 1} 条记录与存证不符，记录可能被改动，请勿据此处理并联系平台
        </Text>
      )}
      {detail && c.history.length > 0 && <Text className="m-hash">最新存证编号 {c.history[c.history.length - 1].hash.slice(0, 16)}…</Text>}
    </Section>
  );
}

export function HistoryCard({ c }: { c: AfterSaleCase }) {
  const entries = c.history
    .map((e, i) => ({
      key: `${i}-${e.hash}`,
      title: e.action === 'ADD_EVIDENCE' ? `${ACTOR_LABEL[e.actor]}补充凭证` : (ACTION_LABELS[e.action] ?? e.action),
      time: formatTime(e.at),
      detail: e.note,
    }))
    .reverse();
  return (
    <Section title="处理记录">
      <Timeline entries={entries} />
    </Section>
  );
}

export function RefundsCard({ c }: { c: AfterSaleCase }) {
  if (c.refunds.length === 0) return null;
  return (
    <Section title="退款记录">
      {c.refunds.map((r) => (
        <View key={r.outRefundNo} className="m-refund">
          <View className="m-refund__top">
            <Text className="m-refund__no">{r.outRefundNo}</Text>
            <Text className={`m-refund__status m-refund__status--${r.status}`}>{ATTEMPT_STATUS_LABEL[r.status]}</Text>
          </View>
          <Text className="m-refund__meta">
            {formatYuan(r.amountFen)} · {r.method === 'ORIGINAL' ? '原路退回' : `指定账户 ${r.account ?? ''}`} · {formatTime(r.at)}
            {r.failure ? ` · ${r.failure}` : ''}
          </Text>
        </View>
      ))}
    </Section>
  );
}

export function ReturnCard({ c }: { c: AfterSaleCase }) {
  if (c.type !== 'RETURN_REFUND' || (!c.returnAddress && !c.returnShipment)) return null;
  return (
    <Section title="退货信息">
      {c.returnAddress && (
        <Row label="退货地址" value={`${c.returnAddress.name} ${c.returnAddress.phone} ${c.returnAddress.address}`} />
      )}
      {c.returnShipment && (
        <Row label="买家寄回" value={`${c.returnShipment.company} ${c.returnShipment.trackingNo}（${formatTime(c.returnShipment.at)}）`} />
      )}
      {c.returnReceivedAt !== undefined && <Row label="确认收货" value={`${formatTime(c.returnReceivedAt)}${c.unsealed ? '，已拆封' : ''}`} />}
    </Section>
  );
}

export function BuyerCard({ c, onLiftRisk }: { c: AfterSaleCase; onLiftRisk?: () => void }) {
  return (
    <Section
      title="买家描述"
      extra={
        onLiftRisk && (
          <Text className="m-link" onClick={onLiftRisk}>
            解除买家风控
          </Text>
        )
      }
    >
      <Text className="m-desc">{c.description || '买家未填写描述'}</Text>
    </Section>
  );
}

/** The buyer's other cases with this shop (SPEC §6 pages): how often, why, and how they ended. */
export function BuyerHistoryCard({ cases, onOpen }: { cases: BuyerCaseSummary[] | undefined; onOpen(caseId: string): void }) {
  if (cases === undefined) return null;
  return (
    <Section title={`该买家在本店的其他售后（${cases.length}）`}>
      {cases.length === 0 && <Text className="m-why">这是该买家在本店的第一次售后</Text>}
      {cases.map((h) => (
        <View key={h._id} className="m-history" onClick={() => onOpen(h._id)}>
          <View className="m-history__top">
            <Text className="m-history__what">
              {CASE_TYPE_LABELS[h.type]} · {REASON_LABELS[h.reason]}
            </Text>
            <Text className="m-history__status">{CASE_STATUS_LABELS[h.status]}</Text>
          </View>
          <Text className="m-history__sub">
            {formatTime(h.createdAt).slice(0, 10)} · {(h.itemTitles ?? []).join('、') || '运费'} · {h.type === 'EXCHANGE' ? '换货' : formatYuan(h.approvedFen ?? h.amountFen)}
          </Text>
        </View>
      ))}
    </Section>
  );
}
