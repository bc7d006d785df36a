import { Text } from '@tarojs/components';
import { useState } from 'react';
import type { RefundMethod } from '../../../../types/domain';
import Alert from '../../../components/Alert';
import ChoiceChips from '../../../components/ChoiceChips';
import { formatYuan } from '../../../core/money';
import { useActionSubmit } from '../../hooks/useActionSubmit';
import { checkRetry, type RetryForm } from '../../logic/actions';
import type { CaseWithOrder } from '../../stores/review';
import { Field, TextInput } from '../Field';
import { Sheet } from '../Sheet';
import { SheetFooter } from './Footer';
import './index.scss';

interface Props {
  c: CaseWithOrder;
  visible: boolean;
  onClose(): void;
}

const METHODS = [
  { key: 'ORIGINAL' as RefundMethod, label: '原路退回' },
  { key: 'DESIGNATED_ACCOUNT' as RefundMethod, label: '指定账户' },
];

/** Causes where the original way cannot work this time (R4 channel refusal, an ABNORMAL attempt). */
const ORIGINAL_BLOCKED = ['PAYMENT_CHANNEL_RESTRICTED', 'REFUND_ABNORMAL'];

/** R4, R5: a failed refund, retried once its cause is fixed; the fix is shown before the button. */
export function RetrySheet({ c, visible, onClose }: Props) {
  const blocked = ORIGINAL_BLOCKED.includes(c.lastError?.code ?? '');
  const [form, setForm] = useState<RetryForm>({ refundMethod: blocked ? 'DESIGNATED_ACCOUNT' : 'ORIGINAL', account: '' });
  const { submit, busy, errors, problem } = useActionSubmit(onClose);
  const set = (patch: Partial<RetryForm>) => setForm((f) => ({ ...f, ...patch }));

  return (
    <Sheet
      visible={visible}
      title="重新退款"
      onClose={onClose}
      footer={
        <SheetFooter
          confirmText="重新发起退款"
          busy={busy}
          onCancel={onClose}
          onConfirm={() => void submit(checkRetry(c, form), (request) => ({ kind: 'retryRefund', request }), ['account'])}
        />
      }
    >
      {problem && <Alert tone="danger" title={problem.message} solution={problem.solution} />}
      {c.lastError && <Alert tone="warn" title={`上次失败：${c.lastError.message}`} solution={c.lastError.solution} />}
      <Text className="m-act__summary">
        将以新的退款单号重新退款 <Text className="m-act__strong">{formatYuan(c.approvedFen ?? c.amountFen)}</Text>，不会重复打款。
      </Text>
      <Field label="退款方式" hint={blocked ? '原路退款受限，建议与买家协商后转入指定账户' : '问题已处理后可继续原路退回'}>
        <ChoiceChips choices={METHODS} value={form.refundMethod} onChange={(refundMethod) => set({ refundMethod })} />
      </Field>
      {form.refundMethod === 'DESIGNATED_ACCOUNT' && (
        <Field label="收款账户" error={errors.account}>
          <TextInput name="account" value={form.account} onChange={(account) => set({ account })} placeholder="买家同意的银行卡号或收款账户" />
        </Field>
      )}
    </Sheet>
  );
}
