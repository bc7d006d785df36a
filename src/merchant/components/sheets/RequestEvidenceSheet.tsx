import { Text } from '@tarojs/components';
import { useState } from 'react';
import type { RequestEvidenceRequest } from '../../../../types/api';
import Alert from '../../../components/Alert';
import { codePointLength } from '../../../core/rules';
import { LIMITS } from '../../../core/settings';
import { formatShort } from '../../../core/time';
import { useActionSubmit } from '../../hooks/useActionSubmit';
import type { Checked } from '../../logic/actions';
import type { CaseWithOrder } from '../../stores/review';
import { Field } from '../Field';
import { NoteInput } from '../NoteInput';
import { Sheet } from '../Sheet';
import { SheetFooter } from './Footer';

/** What shops most often ask for (话术). */
const ASKS = ['请拍一张商品问题处的近照', '请补充开箱视频', '请补充物流面单照片', '请补充商品吊牌和包装照片'];

export function checkRequestEvidence(caseId: string, note: string): Checked<RequestEvidenceRequest> {
  const t = note.trim();
  if (t.length === 0) return { ok: false, errors: { note: '请写明需要买家补充什么，买家会看到这段话' } };
  if (codePointLength(t) > LIMITS.messageMaxChars) return { ok: false, errors: { note: `最多${LIMITS.messageMaxChars}个字` } };
  return { ok: true, request: { caseId, note: t } };
}

/** SPEC §6 「请买家补充凭证」: a message to the buyer and a flag on the case until the buyer adds evidence. */
export function RequestEvidenceSheet({ c, visible, onClose }: { c: CaseWithOrder; visible: boolean; onClose(): void }) {
  const [note, setNote] = useState('');
  const { submit, busy, errors, problem } = useActionSubmit(() => {
    setNote('');
    onClose();
  });
  return (
    <Sheet
      visible={visible}
      title="请买家补充凭证"
      onClose={onClose}
      footer={
        <SheetFooter
          confirmText="发送给买家"
          busy={busy}
          onCancel={onClose}
          onConfirm={() => void submit(checkRequestEvidence(c._id, note), (request) => ({ kind: 'requestEvidence', request }), ['note'])}
        />
      }
    >
      {problem && <Alert tone="danger" title={problem.message} solution={problem.solution} />}
      <Text className="m-act__summary">
        买家会收到通知并在售后单上看到你的要求。处理时限不变{c.deadlineAt !== undefined ? `（${formatShort(c.deadlineAt)} 前仍需处理）` : ''}。
      </Text>
      <Field label="需要补充什么" hint="买家可见" error={errors.note}>
        <NoteInput name="note" value={note} onChange={setNote} templates={ASKS} placeholder="例如：请拍一张领口开线处的近照" />
      </Field>
    </Sheet>
  );
}
