import { useRouter } from '@tarojs/taro';
import { Text, View } from '@tarojs/components';
import PolicyCard from '../../components/PolicyCard';
import Section from '../../components/Section';
import { formatYuan } from '../../core/money';
import { DEFAULT_SETTINGS, LIMITS } from '../../core/settings';
import { useCachedOrder } from '../../hooks/useCachedOrder';
import './index.scss';

/** 七、常见问题快速解答 (seed). */
const FAQ: { q: string; a: string }[] = [
  { q: '退款会退回原支付方式吗？', a: '默认原路返回，特殊情况可与商家协商退到指定账户。' },
  { q: '退款需要手续费吗？', a: '非卖家责任的退款免手续费；商家责任的退款按平台费率收取，由商家承担，不从您的退款中扣除。' },
  { q: '虚拟商品能否退款？', a: '激活使用后不可退，未激活的可以申请，由商家审核处理。' },
  { q: '海外购商品如何退？', a: '需承担退货运费及税费，部分商品支持本地售后，寄回国内地址即可。' },
  { q: '投诉多久有结果？', a: '平台介入后3个工作日内出具处理方案。' },
  { q: '商家一直不处理怎么办？', a: '商家48小时内未处理的申请，系统会自动同意。' },
  { q: '退款显示成功但没到账？', a: '银行到账可能有延迟；退款成功48小时后仍未到账，可在售后详情点「退款未到账」提交工单查询交易流水号。' },
];

/** 四、消费者权益保障建议 (seed). */
const advice = (valuableItemFen: number): { title: string; text: string }[] => [
  { title: '签收前验货', text: `贵重商品（单价${formatYuan(valuableItemFen)}以上）建议拍摄开箱视频留存，发现问题当场拍照。` },
  { title: '及时沟通协商', text: '可通过微信客服入口、11位专属客服电话或公众号留言联系商家。' },
  { title: '准备证据链', text: '聊天记录、支付凭证、问题商品实拍、物流信息等，申请时一并上传。' },
  {
    title: '法律途径救济',
    text: `单笔争议金额≥${formatYuan(LIMITS.legalThresholdFen)}，可通过「微信小法庭」在线调解：在微信搜索「微信小法庭」小程序，提交售后单号即可。`,
  },
];

export default function HelpPage() {
  const { params } = useRouter();
  const orderId = params.orderId;
  const { order } = useCachedOrder(orderId);

  return (
    <View className="help-page">
      <Section title="常见问题">
        {FAQ.map((f) => (
          <View key={f.q} className="faq">
            <Text className="faq__q">问：{f.q}</Text>
            <Text className="faq__a">答：{f.a}</Text>
          </View>
        ))}
      </Section>
      <Section title="维权建议">
        {advice(order?.shop.settings.valuableItemFen ?? DEFAULT_SETTINGS.valuableItemFen).map((a, i) => (
          <View key={a.title} className="advice">
            <Text className="advice__title">
              {i + 1}. {a.title}
            </Text>
            <Text className="advice__text">{a.text}</Text>
          </View>
        ))}
      </Section>
      <PolicyCard title={order ? `${order.shop.name}的售后政策` : '店铺售后政策'} policyText={order?.shop.settings.policyText ?? DEFAULT_SETTINGS.policyText} />
      <View className="help-page__end" />
    </View>
  );
}
