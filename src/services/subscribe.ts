import Taro from '@tarojs/taro';
import type { ShopSettings } from '../../types/domain';

/**
 * WeChat delivers a subscribe message only to a buyer who accepted its template on a tap, so the apply
 * button asks for the shop's templates (the decision, the refund) just before the application is sent.
 * Refusing, or a failure of the prompt itself, changes nothing: the application goes ahead. h5 has no
 * such prompt, and a shop without template ids has nothing to ask.
 */
export async function askToSubscribe(ids: ShopSettings['subscribeTemplateIds'] | undefined): Promise<void> {
  if (process.env.TARO_ENV !== 'weapp' || !ids) return;
  const tmplIds = [...new Set([ids.decision, ids.refund].filter((id) => id !== ''))];
  if (tmplIds.length === 0) return;
  try {
    // `entityIds` is Alipay's name for the same list; WeChat reads `tmplIds`.
    await Taro.requestSubscribeMessage({ tmplIds, entityIds: [] });
  } catch {
    // Refused, banned in settings, or the prompt could not open: the buyer simply gets no message.
  }
}
