import Taro, { useDidShow, useRouter } from '@tarojs/taro';
import { Button, Text, View } from '@tarojs/components';
import { useEffect, useState } from 'react';
import Alert from '../../../components/Alert';
import AmountText from '../../../components/AmountText';
import BottomBar from '../../../components/BottomBar';
import Conversation from '../../../components/Conversation';
import Section from '../../../components/Section';
import type { EvidenceInput } from '../../../../types/api';
import { allowedEvents } from '../../../core/lifecycle';
import { useIdentityStore } from '../../../stores/identity';
import { CASE_STATUS_LABELS, CASE_STATUS_TONES, CASE_TYPE_LABELS } from '../../../components/labels';
import PageState from '../../../components/PageState';
import StatusTag from '../../../components/StatusTag';
import { REASON_LABELS } from '../../../core/classifier-data';
import { formatTime } from '../../../core/time';
import { useNow } from '../../../hooks/useNow';
import { Badge } from '../../components/Badge';
import {
  BuyerCard,
  BuyerHistoryCard,
  ChainCheck,
  EvidenceBlock,
  HistoryCard,
  MoneyCard,
  OrderSnapshot,
  RefundsCard,
  ReturnCard,
  RulesCard,
  SuggestionCard,
} from '../../components/ReviewParts';
import { RoleGate } from '../../components/RoleGate';
import { ApproveSheet } from '../../components/sheets/ApproveSheet';
import { ConfirmReturnSheet } from '../../components/sheets/ConfirmReturnSheet';
import { DecideSheet } from '../../components/sheets/DecideSheet';
import { ConvertSheet, ReshipSheet } from '../../components/sheets/ExchangeSheets';
import { LiftRiskSheet } from '../../components/sheets/LiftRiskSheet';
import { OfferSheet } from '../../components/sheets/OfferSheet';
import { QcReportSheet } from '../../components/sheets/QcReportSheet';
import { RejectSheet } from '../../components/sheets/RejectSheet';
import { RequestEvidenceSheet } from '../../components/sheets/RequestEvidenceSheet';
import { RetrySheet } from '../../components/sheets/RetrySheet';
import { VerifyBanner } from '../../components/VerifyBanner';
import { caseBadges } from '../../logic/badges';
import { deadlineView } from '../../logic/countdown';
import { canAddEvidence, reviewButtons, type SheetKey } from '../../logic/reviewActions';
import { reviewUrl } from '../../routes';
import { rulesThatApply } from '../../logic/rules';
import { useReviewStore, type ReviewMode } from '../../stores/review';
import { useShopStore } from '../../stores/shop';
import './index.scss';

function Review({ caseId, mode }: { caseId: string; mode: ReviewMode }) {
  const { data, status, error, outcome, load, reload, dismissOutcome, run } = useReviewStore();
  const { view, loadShop } = useShopStore();
  const openid = useIdentityStore((s) => s.identity?.openid ?? '');
  const [sheet, setSheet] = useState<SheetKey | 'requestEvidence'>();
  const now = useNow(30_000);

  useEffect(() => {
    void load(caseId, mode);
    if (mode === 'merchant') void loadShop();
  }, [caseId, mode, load, loadShop]);
  // Back from another case opened on top (the buyer's earlier cases): the store holds that one now.
  useDidShow(() => {
    if (useReviewStore.getState().caseId !== caseId) void load(caseId, mode);
  });

  if (status !== 'ready' || !data || data._id !== caseId) {
    return <PageState loading={status !== 'error'} error={error} onRetry={() => void reload()} />;
  }

  const c = data;
  const deadline = deadlineView(c.status, c.deadlineAt, now);
  const buttons = reviewButtons(c, mode, now, view?.shop.verified);
  const templates = view?.settings.noteTemplates;
  const close = () => setSheet(undefined);
  const viewer = mode === 'platform' ? 'PLATFORM' : 'MERCHANT';
  const events = allowedEvents(c, viewer, now);
  const canAsk = mode === 'merchant' && events.includes('REQUEST_EVIDENCE');
  const ask = canAsk ? () => setSheet('requestEvidence') : undefined;

  const send = async (text: string, evidence: EvidenceInput[]): Promise<boolean> => {
    const r = await run({ kind: 'message', request: { caseId: c._id, text, ...(evidence.length > 0 ? { evidence } : {}) } });
    if (!r.ok && !r.reloaded) void Taro.showModal({ title: r.problem.message, content: r.problem.solution, showCancel: false, confirmText: '知道了' });
    return r.ok;
  };

  return (
    <View className="review">
      {mode === 'merchant' && <VerifyBanner verified={view?.shop.verified} />}
      {outcome && (
        <View className="review__outcome" onClick={dismissOutcome}>
          <Alert tone={outcome.tone === 'error' ? 'danger' : outcome.tone} title={outcome.title}>
            {outcome.detail}
          </Alert>
        </View>
      )}

      <View className="review__head">
        <View className="review__head-top">
          <StatusTag text={CASE_STATUS_LABELS[c.status]} tone={CASE_STATUS_TONES[c.status]} />
          <Text className="review__id">售后单 {c._id}</Text>
        </View>
        <View className="review__amount">
          {c.type === 'EXCHANGE' ? <Text className="review__kind">换成：{c.exchangeNote ?? ''}</Text> : <AmountText fen={c.amountFen} size="lg" />}
          <Text className="review__kind">
            {CASE_TYPE_LABELS[c.type]} · {REASON_LABELS[c.reason]}
          </Text>
        </View>
        <View className="review__badges">
          {caseBadges(c).map((b) => (
            <Badge key={b.text} tone={b.tone}>
              {b.text}
            </Badge>
          ))}
        </View>
        {deadline && (
          <Text className={`review__deadline${deadline.urgent ? ' review__deadline--urgent' : ''}`}>
            {deadline.text}（{deadline.at}）
          </Text>
        )}
        <Text className="review__time">申请时间 {formatTime(c.createdAt)}</Text>
        {c.legalEntry && <Text className="review__legal">争议金额≥500元，买家可通过微信小法庭在线调解</Text>}
      </View>

      {c.lastError && (
        <View className="review__error">
          <Alert tone="danger" title={c.lastError.message} solution={c.lastError.solution} />
        </View>
      )}

      {c.evidenceRequest && (
        <View className="review__error">
          <Alert tone="warn" title="已请买家补充凭证，等待买家上传">
            {c.evidenceRequest.note}（{formatTime(c.evidenceRequest.at)}）
          </Alert>
        </View>
      )}

      <BuyerCard c={c} onLiftRisk={mode === 'platform' ? () => setSheet('liftRisk') : undefined} />
      <EvidenceBlock
        evidence={c.evidence}
        extra={
          <View className="review__links">
            {canAsk && (
              <Text className="review__link" onClick={ask}>
                请买家补充凭证
              </Text>
            )}
            {canAddEvidence(c, mode, now) && (
              <Text className="review__link" onClick={() => setSheet('addEvidence')}>
                上传质检报告
              </Text>
            )}
          </View>
        }
      />
      <Section title="协商记录">
        <Conversation
          messages={c.messages}
          viewer={viewer}
          openid={openid}
          evidence={c.evidence}
          buyerOpenid={c.buyerOpenid}
          onSend={events.includes('MESSAGE') ? send : undefined}
        />
      </Section>
      <SuggestionCard c={c} onAskEvidence={ask} />
      <MoneyCard c={c} />
      <OrderSnapshot c={c} order={c.order} />
      <ReturnCard c={c} />
      <RulesCard notes={rulesThatApply(c, c.order, view ? { verified: view.shop.verified, settings: view.settings } : undefined)} />
      <RefundsCard c={c} />
      {mode === 'merchant' && <BuyerHistoryCard cases={c.buyerCases} onOpen={(id) => void Taro.navigateTo({ url: reviewUrl(id) })} />}
      <ChainCheck c={c} />
      <HistoryCard c={c} />

      {buttons.length > 0 ? (
        <BottomBar>
          {buttons.map((b) => (
            <Button key={b.sheet} className={`review__btn review__btn--${b.kind}`} onClick={() => setSheet(b.sheet)}>
              {b.text}
            </Button>
          ))}
        </BottomBar>
      ) : (
        <Text className="review__done">{mode === 'platform' ? '该售后单已不在平台介入中' : '当前状态无需商家操作'}</Text>
      )}

      <ApproveSheet c={c} visible={sheet === 'approve'} templates={templates?.approve ?? []} onClose={close} />
      <RejectSheet
        c={c}
        visible={sheet === 'reject'}
        templates={templates?.reject ?? []}
        escalateDays={view?.settings.escalateDays}
        onClose={close}
      />
      <OfferSheet c={c} visible={sheet === 'offer'} templates={templates?.offer ?? []} onClose={close} />
      <ConfirmReturnSheet c={c} visible={sheet === 'confirmReturn'} onClose={close} />
      <RetrySheet c={c} visible={sheet === 'retryRefund'} onClose={close} />
      <ReshipSheet c={c} visible={sheet === 'reship'} onClose={close} />
      <ConvertSheet c={c} visible={sheet === 'convertToRefund'} onClose={close} />
      <QcReportSheet c={c} visible={sheet === 'addEvidence'} onClose={close} />
      <RequestEvidenceSheet c={c} visible={sheet === 'requestEvidence'} onClose={close} />
      <DecideSheet
        c={c}
        visible={sheet === 'decideApprove' || sheet === 'decideReject'}
        decision={sheet === 'decideReject' ? 'REJECT' : 'APPROVE'}
        onClose={close}
      />
      <LiftRiskSheet openid={c.buyerOpenid} visible={sheet === 'liftRisk'} onClose={close} />
    </View>
  );
}

export default function ReviewPage() {
  const { params } = useRouter();
  const mode: ReviewMode = params.as === 'platform' ? 'platform' : 'merchant';
  const caseId = params.id ?? '';
  return (
    <RoleGate allow={mode === 'platform' ? ['PLATFORM'] : ['OWNER', 'STAFF']} what={mode === 'platform' ? '平台审核' : '售后审核'}>
      {caseId ? <Review caseId={caseId} mode={mode} /> : <PageState error={{ message: '没有指定售后单', solution: '请从待处理列表进入' }} />}
    </RoleGate>
  );
}
