import Taro, { useRouter } from '@tarojs/taro';
import { Button, Text, View } from '@tarojs/components';
import { useEffect, useState } from 'react';
import type { ShopView } from '../../../types/api';
import type { Order } from '../../../types/domain';
import Alert from '../../components/Alert';
import ProductThumb from '../../components/ProductThumb';
import AmountText from '../../components/AmountText';
import BottomBar from '../../components/BottomBar';
import PageState from '../../components/PageState';
import PolicyCard from '../../components/PolicyCard';
import Section from '../../components/Section';
import { purchaseNotices } from '../../hooks/purchaseNotices';
import { callAfterSale, describeError } from '../../services/cloud';
import { routes } from '../routes';
import './index.scss';

const MAX_QTY = 99;

/** Waits (up to ~10 s) until the order reads PAID: order.get asks the gateway each time (SPEC §7, callbacks are hints). */
async function untilPaid(orderId: string): Promise<Order | undefined> {
  for (let i = 0; i < 20; i += 1) {
    const o = await callAfterSale('order.get', { orderId });
    if (o.status !== 'UNPAID') return o;
    await new Promise((r) => setTimeout(r, 500));
  }
  return undefined;
}

/**
 * The demo checkout (SPEC §7): the shop's products with quantities, the notices owed before paying and
 * the policy (R27); 提交订单 creates the order and pays it (weapp: wx.requestPayment; H5: the local
 * host's simulated WeChat Pay pays at once), then opens the order.
 */
export default function CheckoutPage() {
  const { params } = useRouter();
  const shopId = params.shopId ?? '';
  const [shop, setShop] = useState<ShopView>();
  const [error, setError] = useState<{ message: string; solution: string }>();
  const [qty, setQty] = useState<Record<string, number>>({});
  const [busy, setBusy] = useState(false);

  const load = () => {
    setError(undefined);
    callAfterSale('shop.get', { shopId })
      .then((s) => {
        setShop(s);
        const first = s.products.find((p) => p.skuId === params.skuId) ?? s.products[0];
        setQty(first ? { [first.skuId]: 1 } : {});
      })
      .catch((e: unknown) => setError(describeError(e)));
  };
  // eslint-disable-next-line react-hooks/exhaustive-deps
  useEffect(load, [shopId]);

  if (!shop) return <PageState loading={!error} error={error} onRetry={load} />;
  const chosen = shop.products.filter((p) => (qty[p.skuId] ?? 0) > 0);
  const totalFen = chosen.reduce((s, p) => s + p.unitFen * qty[p.skuId], 0);
  const notices = chosen.flatMap((p) =>
    purchaseNotices({ skuId: p.skuId, title: p.title, unitFen: p.unitFen, qty: 1, paidFen: p.unitFen, kind: p.kind }, { customsFeeFen: 0 }).map((n) => ({
      ...n,
      key: `${p.skuId}-${n.rule}`,
      item: p.title,
    })),
  );
  const setLine = (skuId: string, n: number) => setQty({ ...qty, [skuId]: Math.max(0, Math.min(MAX_QTY, n)) });

  const submit = async () => {
    if (busy || chosen.length === 0) return;
    setBusy(true);
    try {
      const created = await callAfterSale('order.create', { shopId, items: chosen.map((p) => ({ skuId: p.skuId, qty: qty[p.skuId] })) });
      const paid = await callAfterSale('order.pay', { orderId: created._id });
      if (paid.payment.kind === 'REQUEST_PAYMENT' && process.env.TARO_ENV === 'weapp') {
        const p = paid.payment.payment;
        await Taro.requestPayment({ ...p, signType: p.signType as 'MD5' });
      }
      const done = paid.order.status === 'PAID' ? paid.order : await untilPaid(created._id);
      void Taro.showToast({ title: done ? '支付成功' : '支付结果确认中', icon: done ? 'success' : 'none' });
      void Taro.redirectTo({ url: routes.order(created._id) });
    } catch (e) {
      const { message, solution } = describeError(e);
      void Taro.showModal({ title: message, content: solution, showCancel: false, confirmText: '知道了' });
    } finally {
      setBusy(false);
    }
  };

  return (
    <View className="checkout-page">
      <Section title={shop.name}>
        {shop.products.length === 0 && <Text className="muted">店铺暂未上架商品</Text>}
        {shop.products.map((p) => {
          const n = qty[p.skuId] ?? 0;
          return (
            <View key={p.skuId} className="checkout-page__line">
              <ProductThumb image={p.imageUrl} className="checkout-page__thumb" />
              <View className="checkout-page__info">
                <Text className="checkout-page__item">{p.title}</Text>
                <AmountText fen={p.unitFen} size="sm" muted />
              </View>
              <View className="stepper">
                <Button className="stepper__btn" onClick={() => setLine(p.skuId, n - 1)}>
                  −
                </Button>
                <Text className="stepper__n">{n}</Text>
                <Button className="stepper__btn" onClick={() => setLine(p.skuId, n + 1)}>
                  +
                </Button>
              </View>
            </View>
          );
        })}
        <View className="kv">
          <Text className="kv__k">运费</Text>
          <Text className="kv__v">包邮</Text>
        </View>
        <View className="kv">
          <Text className="kv__k">支付方式</Text>
          <Text className="kv__v">微信支付</Text>
        </View>
      </Section>
      {notices.length > 0 && (
        <Section title="下单前请确认">
          {notices.map((n) => (
            <Alert key={n.key} tone="warn" title={`「${n.item}」${n.title}`}>
              {n.text}
            </Alert>
          ))}
        </Section>
      )}
      <PolicyCard policyText={shop.settings.policyText} windows={[`签收后${shop.settings.windowDays}天内可申请售后`, '未发货可随时取消订单，货款原路退回']} />
      <BottomBar
        aside={
          <View className="checkout-page__total">
            <Text className="muted">合计 </Text>
            <AmountText fen={totalFen} size="lg" />
          </View>
        }
      >
        <Button className={`btn btn--primary${chosen.length === 0 || busy ? ' btn--disabled' : ''}`} loading={busy} onClick={() => void submit()}>
          提交订单
        </Button>
      </BottomBar>
    </View>
  );
}
