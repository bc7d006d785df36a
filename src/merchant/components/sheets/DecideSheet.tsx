import { Text } from '@tarojs/components';
import { useEffect, useState } from 'react';
import Alert from '../../../components/Alert';
import ChoiceChips from '../../../components/ChoiceChips';
import { formatYuan } from '../../../core/money';
import { useActionSubmit } from '../../hooks/useActionSubmit';
import { checkDecide, type DecideForm } from '../../logic/actions';
import type { CaseWithOrder } from '../../stores/review';
import { Field, TextInput } from '../Field';
import { NoteInput } from '../NoteInput';
import { Sheet } from '../Sheet';
import { SheetFooter } from './Footer';
import './index.scss';

interface Props {
  c: CaseWithOrder;
  visible: boolean;
  decision: DecideForm['decision'];
  onClose(): void;
}

const DECISIONS = [
  { key: 'APPROVE' as const, label: '支持买家，退款' },
  { key: 'REJECT' as const, label: '支持商家，驳回' },
];

/** R24: the platform's decision is final and always explained. */
export function DecideSheet({ c, visible, decision, onClose }: Props) {
  const [form, setForm] = useState<DecideForm>({ decision, amount: '', note: '' });
  const { submit, busy, errors, problem } = useActionSubmit(onClose, { amountFen: 'amount' });
  const set = (patch: Partial<DecideForm>) => setForm((f) => ({ ...f, ...patch }));
  useEffect(() => {
    if (visible) setForm((f) => ({ ...f, decision }));
  }, [visible, decision]);

  return (
    <Sheet
      visible={visible}
      title="平台处理方案"
      onClose={onClose}
      footer={
        <SheetFooter
          danger={form.decision === 'REJECT'}
          confirmText={form.decision === 'APPROVE' ? '确认退款' : '确认驳回'}
          busy={busy}
          onCancel={onClose}
          onConfirm={() => void submit(checkDecide(c, form), (request) => ({ kind: 'decide', request }), ['amount', 'note'])}
        />
      }
    >
      {problem && <Alert tone="danger" title={problem.message} solution={problem.solution} />}
      <Text className="m-act__summary">平台的处理结果为最终结果，买卖双方都会收到通知。</Text>
      <Field label="处理结果">
        <ChoiceChips choices={DECISIONS} value={form.decision} onChange={(d) => set({ decision: d })} />
      </Field>
      {form.decision === 'APPROVE' && c.type === 'EXCHANGE' && (
        <Text className="m-act__summary">支持换货：买家按退货地址寄回商品，商家收到后发出换货（{c.exchangeNote ?? ''}）。</Text>
      )}
      {form.decision === 'APPROVE' && c.type !== 'EXCHANGE' && (
        <Field label="退款金额（可选）" hint={`留空按买家申请的 ${formatYuan(c.amountFen)} 退款`} error={errors.amount}>
          <TextInput name="amount" type="digit" value={form.amount} onChange={(amount) => set({ amount })} placeholder={formatYuan(c.amountFen).replace('¥', '')} />
        </Field>
      )}
      <Field label="处理说明（必填）" hint="说明判定依据，双方都会看到" error={errors.note}>
        <NoteInput name="note" value={form.note} onChange={(note) => set({ note })} placeholder="例如：买家凭证显示商品破损，商家拒绝理由不成立" />
      </Field>
    </Sheet>
  );
}
