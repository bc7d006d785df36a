import { Text } from '@tarojs/components';
import { formatYuan } from '../../core/money';
import './index.scss';

interface Props {
  fen: number;
  size?: 'sm' | 'md' | 'lg';
  /** Crossed out: an amount that was asked for and replaced (offer, approval). */
  strike?: boolean;
  muted?: boolean;
  className?: string;
}

/** An amount of money as `¥12.34`, in the price colour. */
export default function AmountText({ fen, size = 'md', strike = false, muted = false, className = '' }: Props) {
  const cls = ['amount-text', `amount-text--${size}`, strike ? 'amount-text--strike' : '', muted ? 'amount-text--muted' : '', className].filter(Boolean).join(' ');
  return <Text className={cls}>{formatYuan(fen)}</Text>;
}
