import { Button } from '@tarojs/components';
import './index.scss';

interface Props {
  confirmText: string;
  onConfirm(): void;
  onCancel(): void;
  busy: boolean;
  danger?: boolean;
}

/**
 * Cancel and the one confirming button: the sheet itself is the confirmation, asked once.
 * `disabled={false}` would reach Taro's h5 button as the attribute disabled="false", which its CSS
 * greys out; `undefined` leaves the attribute off (the same holds for every Button and Input here).
 */
export function SheetFooter({ confirmText, onConfirm, onCancel, busy, danger }: Props) {
  return (
    <>
      <Button className="m-act__cancel" onClick={onCancel} disabled={busy || undefined}>
        取消
      </Button>
      {/* Keyed by its label: a label changed in place on h5 drops the loading spinner's anchor (see loadingButtons.test). */}
      <Button key={confirmText} className={danger ? 'm-act__confirm--danger' : 'm-act__confirm'} loading={busy || undefined} disabled={busy || undefined} onClick={onConfirm}>
        {confirmText}
      </Button>
    </>
  );
}
