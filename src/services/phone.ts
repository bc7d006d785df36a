import Taro from '@tarojs/taro';

/**
 * Hands a phone number to the dialer. The weapp has WeChat's own `makePhoneCall`. On h5, Taro's
 * `makePhoneCall` sets `window.location.href = 'tel:…'`. A browser with no app for `tel:` (desktop
 * Chromium) answers any `tel:` navigation of the tab, even one from a hidden frame inside it, with a
 * tab-modal 「打开 xdg-open？」 prompt, and while that prompt is up the tab takes no taps: 查看订单,
 * 售后帮助 and every link did nothing (issue 17 item 1; measured in Chromium: a tab-level or frame-level
 * `tel:` left later taps dead, a new window's did not). So the number goes to a new window, opened in the
 * tap itself so no popup blocker stops it; a phone's browser hands it to the dialer as before.
 */
export function dial(phoneNumber: string): void {
  if (process.env.TARO_ENV !== 'h5') {
    void Taro.makePhoneCall({ phoneNumber });
    return;
  }
  window.open(`tel:${phoneNumber}`, '_blank', 'noopener');
}
