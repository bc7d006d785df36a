import { Text } from '@tarojs/components';
import { useState } from 'react';
import { REJECT_REASON_CODES, type RejectReasonCode } from '../../../../types/domain';
import Alert from '../../../components/Alert';
import ChoiceChips from '../../../components/ChoiceChips';
import { REJECT_REASON_LABELS } from '../../../components/labels';
import { DEFAULT_SETTINGS } from '../../../core/settings';
import { useActionSubmit } from '../../hooks/useActionSubmit';
import { checkReject, type RejectForm } from '../../logic/actions';
import type { CaseWithOrder } from '../../stores/review';
import { Field } from '../Field';
import { NoteInput } from '../NoteInput';
import { Sheet } from '../Sheet';
import { SheetFooter } from './Footer';
import './index.scss';

interface Props {
  c: CaseWithOrder;
  visible: boolean;
  templates: readonly string[];
  escalateDays?: number;
  onClose(): void;
}

const REASONS = REJECT_REASON_CODES.map((key) => ({ key, label: REJECT_REASON_LABELS[key] }));

/** R21: a reason code and a note the buyer reads; without the note the rejection is stopped here. */
export function RejectSheet({ c, visible, templates, escalateDays = DEFAULT_SETTINGS.escalateDays, onClose }: Props) {
  const [form, setForm] = useState<RejectForm>({ reasonCode: '', note: '' });
  const { submit, busy, errors, problem } = useActionSubmit(onClose);
  const set = (patch: Partial<RejectForm>) => setForm((f) => ({ ...f, ...patch }));

  return (
    <Sheet
      visible={visible}
      title="拒绝申请"
      onClose={onClose}
      footer={
        <SheetFooter
          danger
          confirmText="确认拒绝"
          busy={busy}
          onCancel={onClose}
          onConfirm={() => void submit(checkReject(c, form), (request) => ({ kind: 'reject', request }), ['reasonCode', 'note'])}
        />
      }
    >
      {problem && <Alert tone="danger" title={problem.message} solution={problem.solution} />}
      <Text className="m-act__summary">
        拒绝后买家可在{escalateDays}天内申请平台介入；无正当理由拒绝会引发客诉纠纷，影响店铺评分。
      </Text>
      <Field label="拒绝原因" error={errors.reasonCode}>
        <ChoiceChips<RejectReasonCode> choices={REASONS} value={form.reasonCode || undefined} onChange={(reasonCode) => set({ reasonCode })} />
      </Field>
      <Field label="拒绝说明（必填）" hint="写清楚拒绝的依据，平台核查时会看到" error={errors.note}>
        <NoteInput name="note" value={form.note} onChange={(note) => set({ note })} templates={templates} placeholder="例如：未收到有效凭证，请补充商品问题照片后重新申请" />
      </Field>
    </Sheet>
  );
}
