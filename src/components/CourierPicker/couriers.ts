import { TRACKING_NO_PATTERN } from '../../core/settings';

/** The couriers most returns in China go back with, as their customers name them (the picker's chips). */
export const COMMON_COURIERS = ['顺丰速运', '中通快递', '圆通速递', '韵达快递', '申通快递', '极兔速递', '京东快递', '邮政EMS'] as const;

/**
 * The courier a scanned tracking number clearly belongs to, by the prefixes these couriers print
 * (SF 顺丰, JT 极兔, JD 京东, YT 圆通); undefined when the number does not say (digits only: 中通, 韵达…).
 */
export function courierOfTrackingNo(no: string): string | undefined {
  const n = no.toUpperCase();
  if (n.startsWith('SF')) return '顺丰速运';
  if (n.startsWith('JT')) return '极兔速递';
  if (n.startsWith('JD')) return '京东快递';
  if (n.startsWith('YT')) return '圆通速递';
  return undefined;
}

/** What is wrong with a return shipment before it is sent, naming the field; undefined when it can go. */
export function shipmentProblem(company: string, trackingNo: string): string | undefined {
  const c = company.trim();
  const t = trackingNo.trim();
  if (c.length === 0) return '请选择快递公司';
  if (c.length < 2 || c.length > 30) return '快递公司名称应为2到30个字';
  if (t.length === 0) return '请填写快递单号';
  if (!TRACKING_NO_PATTERN.test(t)) return '快递单号应为6到40位字母或数字，请核对';
  return undefined;
}
