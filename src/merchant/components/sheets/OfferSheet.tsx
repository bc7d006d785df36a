import { Text } from '@tarojs/components';
import { useState } from 'react';
import Alert from '../../../components/Alert';
import { formatYuan } from '../../../core/money';
import { useActionSubmit } from '../../hooks/useActionSubmit';
import { checkOffer, type OfferForm } from '../../logic/actions';
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

/** R6 / negotiation: a partial amount (折价退款) the buyer accepts or declines. */
export function OfferSheet({ c, visible, templates, onClose }: Props) {
  const [form, setForm] = useState<OfferForm>({ amount: '', note: '' });
  const { submit, busy, errors, problem } = useActionSubmit(onClose, { amountFen: 'amount' });
  const set = (patch: Partial<OfferForm>) => setForm((f) => ({ ...f, ...patch }));

  return (
    <Sheet
      visible={visible}
      title="协商退款"
      onClose={onClose}
      footer={
        <SheetFooter
          confirmText="发给买家"
          busy={busy}
          onCancel={onClose}
          onConfirm={() => void submit(checkOffer(c, form), (request) => ({ kind: 'offer', request }), ['amount', 'note'])}
        />
      }
    >
      {problem && <Alert tone="danger" title={problem.message} solution={problem.solution} />}
      <Text className="m-act__summary">
        买家申请 <Text className="m-act__strong">{formatYuan(c.amountFen)}</Text>
        。买家可以接受或拒绝；拒绝或逾期未答复会转平台介入。
      </Text>
      <Field label="协商退款金额" error={errors.amount}>
        <TextInput name="amount" type="digit" value={form.amount} onChange={(amount) => set({ amount })} placeholder={`不高于 ${formatYuan(c.amountFen)}`} />
      </Field>
      <Field label="协商说明（必填）" hint="说明折价的原因，买家会看到" error={errors.note}>
        <NoteInput name="note" value={form.note} onChange={(note) => set({ note })} templates={templates} placeholder="例如：商品已拆封影响二次销售，协商按折价退款" />
      </Field>
    </Sheet>
  );
}
