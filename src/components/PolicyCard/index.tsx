import { Text, View } from '@tarojs/components';
import Section from '../Section';
import './index.scss';

interface Props {
  policyText: string;
  /** The after-sale windows that apply to this order, one line each (R27). */
  windows?: string[];
  title?: string;
}

/** The shop's refund policy (R27): shown at the bottom of product, checkout and order pages. */
export default function PolicyCard({ policyText, windows = [], title = '售后政策' }: Props) {
  const points = policyText
    .split(/[；;。\n]/)
    .map((s) => s.trim())
    .filter(Boolean);
  return (
    <Section title={title}>
      {windows.length > 0 && (
        <View className="policy__windows">
          {windows.map((w) => (
            <Text key={w} className="policy__window">
              {w}
            </Text>
          ))}
        </View>
      )}
      <View className="policy__points">
        {points.map((p) => (
          <Text key={p} className="policy__point">
            · {p}
          </Text>
        ))}
      </View>
    </Section>
  );
}
