import Taro from '@tarojs/taro';

/**
 * Hands a phone number to the dialer. The weapp has WeChat's own `makePhoneCall`. On h5, Taro's
 * `makePhoneCall` sets `window.location.href = 'tel:…'`, which starts unloading the page itself
 * (`beforeunload` fires) and, in a browser with no app for `tel:`, left every later tap on a link doing
 * nothing in that tab (issue 17). A hidden frame takes the `tel:` navigation instead, so the page and
 * its router are never touched.
 */
export function dial(phoneNumber: string): void {
  if (process.env.TARO_ENV !== 'h5') {
    void Taro.makePhoneCall({ phoneNumber });
    return;
  }
  const frame = document.createElement('iframe');
  frame.style.display = 'none';
  frame.setAttribute('aria-hidden', 'true');
  frame.src = `tel:${phoneNumber}`;
  document.body.appendChild(frame);
  setTimeout(() => frame.remove(), 1_000);
}
