import { useState } from 'react';
import { Button, Text, View } from '@tarojs/components';

/** The baseline: one interactive React page, nothing of the product. */
export default function Index() {
  const [n, setN] = useState(0);
  return (
    <View>
      <Text id="bare-count">{n}</Text>
      <Button id="bare-ready" onClick={() => setN(n + 1)}>
        +1
      </Button>
    </View>
  );
}
