import Taro from '@tarojs/taro';
import { Text } from '@tarojs/components';
import { useState } from 'react';
import Alert from '../../../components/Alert';
import { checkLiftRisk, type FieldErrors, type LiftRiskForm } from '../../logic/actions';
import { usePlatformStore } from '../../stores/platform';
import type { Problem } from '../../stores/problem';
import { Field, TextInput } from '../Field';
import { NoteInput } from '../NoteInput';
import { Sheet } from '../Sheet';
import { SheetFooter } from './Footer';
import './index.scss';

interface Props {
  /** The buyer to lift, when opened from their case; empty when typed in by the reviewer. */
  openid?: string;
  visible: boolean;
  onClose(): void;
}

/** R7: the platform lifts a buyer's risk control after an appeal with materials. */
export function LiftRiskSheet({ openid = '', visible, onClose }: Props) {
  const liftRisk = usePlatformStore((s) => s.liftRisk);
  const [form, setForm] = useState<LiftRiskForm>({ openid, note: '' });
  const [errors, setErrors] = useState<FieldErrors>({});
  const [problem, setProblem] = useState<Problem>();
  const [busy, setBusy] = useState(false);

  const submit = async () => {
    setProblem(undefined);
    const checked = checkLiftRisk(form);
    if (!checked.ok) {
      setErrors(checked.errors);
      return;
    }
    setErrors({});
    setBusy(true);
    const r = await liftRisk(checked.request.openid, checked.request.note);
    setBusy(false);
    if (!r.ok) {
      if (r.problem.field === 'openid' || r.problem.field === 'note') setErrors({ [r.problem.field]: r.problem.message });
      else setProblem(r.problem);
      return;
    }
    void Taro.showToast({ title: '已解除该买家的风控限制，买家现在可以重新申请', icon: 'none', duration: 2500 });
    setForm({ openid, note: '' });
    onClose();
  };

  return (
    <Sheet
      visible={visible}
      title="解除买家风控"
      onClose={onClose}
      footer={<SheetFooter confirmText="确认解除" busy={busy} onCancel={onClose} onConfirm={() => void submit()} />}
    >
      {problem && <Alert tone="danger" title={problem.message} solution={problem.solution} />}
      <Text className="m-act__summary">解除后，该买家此前的售后申请不再计入30天内3次的风控次数。</Text>
      <Field label="买家 openid" error={errors.openid}>
        <TextInput name="openid" value={form.openid} onChange={(v) => setForm((f) => ({ ...f, openid: v }))} placeholder="从售后单或申诉材料中复制" />
      </Field>
      <Field label="解除原因（必填）" hint="记录买家提交的申诉材料" error={errors.note}>
        <NoteInput name="note" value={form.note} onChange={(note) => setForm((f) => ({ ...f, note }))} placeholder="例如：买家已提交申诉材料，核实为正常售后" />
      </Field>
    </Sheet>
  );
}
