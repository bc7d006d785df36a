import { Text } from '@tarojs/components';
import type { Tone } from '../labels';
import './index.scss';

interface Props {
  text: string;
  tone: Tone;
}

/** A short status label coloured by what it means for the reader (waiting, moving, done, stopped). */
export default function StatusTag({ text, tone }: Props) {
  return <Text className={`status-tag status-tag--${tone}`}>{text}</Text>;
}
