import { Button } from '@tarojs/components';
import './index.scss';

interface Props {
  confirmText: string;
  onConfirm(): void;
  onCancel(): void;
  busy: boolean;
  danger?: boolean;
}

/** Cancel and the one confirming button: the sheet itself is the confirmation, asked once. */
export function SheetFooter({ confirmText, onConfirm, onCancel, busy, danger }: Props) {
  return (
    <>
      <Button className="m-act__cancel" onClick={onCancel} disabled={busy}>
        取消
      </Button>
      <Button className={danger ? 'm-act__confirm--danger' : 'm-act__confirm'} loading={busy} disabled={busy} onClick={onConfirm}>
        {confirmText}
      </Button>
    </>
  );
}
