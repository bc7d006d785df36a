import { Text } from '@tarojs/components';
import { useState } from 'react';
import type { RefundMethod } from '../../../../types/domain';
import Alert from '../../../components/Alert';
import ChoiceChips from '../../../components/ChoiceChips';
import { refundDestination } from '../../../components/labels';
import { formatYuan, parseYuan } from '../../../core/money';
import { useActionSubmit } from '../../hooks/useActionSubmit';
import { checkApprove, type ApproveForm } from '../../logic/actions';
import { approvesReturn } from '../../logic/reviewActions';
import type { CaseWithOrder } from '../../stores/review';
import { Field, TextInput } from '../Field';
import { NoteInput } from '../NoteInput';
import { Sheet } from '../Sheet';
import { SheetFooter } from './Footer';
import './index.scss';

interface Props {
  c: CaseWithOrder;
  visible: boolean;
  templates: readonly string[];
  onClose(): void;
}

const METHODS = [
  { key: 'ORIGINAL' as RefundMethod, label: '原路退回' },
  { key: 'DESIGNATED_ACCOUNT' as RefundMethod, label: '指定账户' },
];

/** R19: original way by default, a designated account only by agreement; optional 补偿 (R3) and note (备注处理意见). */
export function ApproveSheet({ c, visible, templates, onClose }: Props) {
  const [form, setForm] = useState<ApproveForm>({ refundMethod: 'ORIGINAL', account: '', compensation: '', note: '' });
  const { submit, busy, errors, problem } = useActionSubmit(onClose, { compensationFen: 'compensation' });
  const set = (patch: Partial<ApproveForm>) => setForm((f) => ({ ...f, ...patch }));
  const extra = parseYuan(form.compensation) ?? 0;
  const isReturn = approvesReturn(c);
  // 换货 (SPEC §5): no money is agreed, so no refund method and no compensation.
  const exchange = c.type === 'EXCHANGE';
  // A template that asks for the goods back means nothing on a 仅退款 (or an already returned) case.
  const fitting = templates.filter((t) => isReturn || !/寄回|退货地址/.test(t));

  return (
    <Sheet
      visible={visible}
      title={exchange ? '同意换货' : isReturn ? '同意退货' : '同意退款'}
      onClose={onClose}
      footer={
        <SheetFooter
          confirmText="确认同意"
          busy={busy}
          onCancel={onClose}
          onConfirm={() =>
            void submit(checkApprove(c, c.order.paidFen, form), (request) => ({ kind: 'approve', request }), [
              'account',
              'compensation',
              'note',
            ])
          }
        />
      }
    >
      {problem && <Alert tone="danger" title={problem.message} solution={problem.solution} />}
      {exchange && <Text className="m-act__summary">同意后退货地址会发给买家，收到退货后请在72小时内发出换货：{c.exchangeNote ?? ''}</Text>}
      {!exchange && (
        <Text className="m-act__summary">
          {isReturn ? '同意后退货地址会发给买家，收到退货并确认后退款 ' : '同意后立即退款 '}
          <Text className="m-act__strong">{formatYuan(c.amountFen + extra)}</Text>
          {form.refundMethod === 'ORIGINAL' ? `，原路退回买家的${refundDestination(c.order.payChannel).to}` : '，转入买家同意的指定账户'}
        </Text>
      )}
      {!exchange && (
        <Field label="退款方式" hint="默认原路返回；指定账户退款需事先与买家协商一致">
          <ChoiceChips choices={METHODS} value={form.refundMethod} onChange={(refundMethod) => set({ refundMethod })} />
        </Field>
      )}
      {!exchange && form.refundMethod === 'DESIGNATED_ACCOUNT' && (
        <Field label="收款账户" error={errors.account}>
          <TextInput name="account" value={form.account} onChange={(account) => set({ account })} placeholder="买家提供的银行卡号或收款账户" />
        </Field>
      )}
      {!exchange && (
        <Field label="补偿金额（可选）" hint="在退款之外给买家的补偿，合计不超过订单实付的105%" error={errors.compensation}>
          <TextInput name="compensation" type="digit" value={form.compensation} onChange={(compensation) => set({ compensation })} placeholder="0.00" />
        </Field>
      )}
      <Field label="处理意见（可选）" hint="建议补充说明退款原因及后续改进措施，买家可见" error={errors.note}>
        <NoteInput name="note" value={form.note} onChange={(note) => set({ note })} templates={fitting} placeholder="例如：已同意退款，我们会加强发货前检查" />
      </Field>
    </Sheet>
  );
}
