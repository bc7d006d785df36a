import { Text } from '@tarojs/components';
import { useState } from 'react';
import Alert from '../../../components/Alert';
import { useActionSubmit } from '../../hooks/useActionSubmit';
import { checkConvert, checkReship, type ReshipForm } from '../../logic/actions';
import type { CaseWithOrder } from '../../stores/review';
import { Field, TextInput } from '../Field';
import { NoteInput } from '../NoteInput';
import { Sheet } from '../Sheet';
import { SheetFooter } from './Footer';
import './index.scss';

interface Props {
  c: CaseWithOrder;
  visible: boolean;
  onClose(): void;
}

/** 发出换货 (SPEC §5): the replacement's carrier and tracking number go to the buyer. */
export function ReshipSheet({ c, visible, onClose }: Props) {
  const [form, setForm] = useState<ReshipForm>({ company: '', trackingNo: '' });
  const { submit, busy, errors, problem } = useActionSubmit(onClose);
  const set = (patch: Partial<ReshipForm>) => setForm((f) => ({ ...f, ...patch }));
  return (
    <Sheet
      visible={visible}
      title="发出换货"
      onClose={onClose}
      footer={
        <SheetFooter
          confirmText="确认发出"
          busy={busy}
          onCancel={onClose}
          onConfirm={() => void submit(checkReship(c, form), (request) => ({ kind: 'reship', request }), ['company', 'trackingNo'])}
        />
      }
    >
      {problem && <Alert tone="danger" title={problem.message} solution={problem.solution} />}
      <Text className="m-act__summary">买家要换：{c.exchangeNote ?? ''}</Text>
      <Field label="快递公司" error={errors.company}>
        <TextInput name="company" value={form.company} onChange={(company) => set({ company })} placeholder="例如：顺丰速运" />
      </Field>
      <Field label="快递单号" error={errors.trackingNo}>
        <TextInput name="trackingNo" value={form.trackingNo} onChange={(trackingNo) => set({ trackingNo })} placeholder="请填写完整单号" />
      </Field>
    </Sheet>
  );
}

/** 无货转退款 (SPEC §5): the exchange becomes a refund of what the buyer paid for these units. */
export function ConvertSheet({ c, visible, onClose }: Props) {
  const [note, setNote] = useState('');
  const { submit, busy, errors, problem } = useActionSubmit(onClose);
  return (
    <Sheet
      visible={visible}
      title="无货转退款"
      onClose={onClose}
      footer={
        <SheetFooter
          confirmText="确认转为退款"
          busy={busy}
          onCancel={onClose}
          onConfirm={() => void submit(checkConvert(c, { note }), (request) => ({ kind: 'convertToRefund', request }), ['note'])}
        />
      }
    >
      {problem && <Alert tone="danger" title={problem.message} solution={problem.solution} />}
      <Text className="m-act__summary">无法换货时，按这些商品的实付金额原路退款给买家（商家责任原因另收手续费），不可撤回。</Text>
      <Field label="原因" hint="买家可见" error={errors.note}>
        <NoteInput name="note" value={note} onChange={setNote} templates={[]} placeholder="例如：L码已售罄，暂无补货" />
      </Field>
    </Sheet>
  );
}
