import { Text, View } from '@tarojs/components';
import { useState } from 'react';
import Alert from '../../../components/Alert';
import { formatYuan } from '../../../core/money';
import { useActionSubmit } from '../../hooks/useActionSubmit';
import type { CaseWithOrder } from '../../stores/review';
import { Sheet } from '../Sheet';
import { Tick } from '../Tick';
import { SheetFooter } from './Footer';
import './index.scss';

interface Props {
  c: CaseWithOrder;
  visible: boolean;
  onClose(): void;
}

/**
 * Confirms the returned goods arrived. R6: goods returned without a reason and found unsealed, so they
 * cannot be sold again, are not refunded in full: the case goes to negotiation instead.
 */
export function ConfirmReturnSheet({ c, visible, onClose }: Props) {
  const [unsealed, setUnsealed] = useState(false);
  const { submit, busy, problem } = useActionSubmit(onClose);
  // R6 does not apply to an exchange (SPEC §5): the replacement follows, whatever the state of the returned goods.
  const exchange = c.type === 'EXCHANGE';
  const noReason = c.reason === 'NO_REASON' && !exchange;
  const amount = formatYuan(c.approvedFen ?? c.amountFen);

  return (
    <Sheet
      visible={visible}
      title="确认收到退货"
      onClose={onClose}
      footer={
        <SheetFooter
          confirmText={exchange ? '确认收货' : unsealed && noReason ? '确认收货并协商' : '确认收货并退款'}
          busy={busy}
          onCancel={onClose}
          onConfirm={() =>
            void submit({ ok: true, request: { caseId: c._id, unsealed } }, (request) => ({ kind: 'confirmReturn', request }), [])
          }
        />
      }
    >
      {problem && <Alert tone="danger" title={problem.message} solution={problem.solution} />}
      {c.returnShipment && (
        <Text className="m-act__summary">
          买家已寄回：{c.returnShipment.company} {c.returnShipment.trackingNo}
        </Text>
      )}
      {noReason && (
        <View className="m-act__check">
          <Tick checked={unsealed} label="已拆封影响二次销售" onChange={setUnsealed} />
          <View className="m-act__check-text" onClick={() => setUnsealed(!unsealed)}>
            <Text>已拆封影响二次销售</Text>
            <Text className="m-act__check-hint">勾选后不全额退款：买家可补充未使用证明，或由你发起折价协商</Text>
          </View>
        </View>
      )}
      <Text className="m-act__summary">
        {exchange
          ? `确认后请在72小时内发出换货（${c.exchangeNote ?? ''}），逾期将自动转为退款。`
          : unsealed && noReason
            ? '确认后进入协商，暂不退款。'
            : `确认后立即退款 ${amount}，原路退回买家。`}
      </Text>
    </Sheet>
  );
}
