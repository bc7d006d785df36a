import { View, Text } from '@tarojs/components';

export default function Index() {
  return (
    <View className="index">
      <Text>售后服务</Text>
    </View>
  );
}
