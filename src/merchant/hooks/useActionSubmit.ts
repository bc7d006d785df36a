import Taro from '@tarojs/taro';
import { useState } from 'react';
import type { Checked, FieldErrors } from '../logic/actions';
import type { Problem } from '../stores/problem';
import { useReviewStore, type ReviewAction } from '../stores/review';

/**
 * Submits one review action from its sheet: a form error stays in the sheet next to its field; the
 * cloud's own refusal too when it names a field of this form (`fieldOf` maps its name), otherwise it
 * shows with its solution at the top of the sheet. A case someone else just moved closes the sheet:
 * the page has reloaded it and says so.
 */
export function useActionSubmit(onDone: () => void, fieldOf: Record<string, string> = {}) {
  const run = useReviewStore((s) => s.run);
  const busy = useReviewStore((s) => s.busy);
  const [errors, setErrors] = useState<FieldErrors>({});
  const [problem, setProblem] = useState<Problem>();

  async function submit<T>(checked: Checked<T>, action: (request: T) => ReviewAction, formFields: readonly string[]) {
    setProblem(undefined);
    if (!checked.ok) {
      setErrors(checked.errors);
      return;
    }
    setErrors({});
    const r = await run(action(checked.request));
    if (r.ok) {
      void Taro.showToast({ title: r.outcome.title, icon: 'none', duration: 2500 });
      onDone();
      return;
    }
    if (r.reloaded) {
      onDone();
      return;
    }
    const field = r.problem.field === undefined ? undefined : (fieldOf[r.problem.field] ?? r.problem.field);
    if (field !== undefined && formFields.includes(field)) setErrors({ [field]: r.problem.message });
    else setProblem(r.problem);
  }

  return { submit, busy, errors, problem };
}
