// The buyer pages are the main package; merchant and platform pages are the `merchant` subpackage,
// so buyers never download them.
const pages = [
  'pages/index/index',
  'pages/order/index',
  'pages/apply/index',
  'pages/case/index',
  'pages/cases/index',
  'pages/help/index',
  'pages/product/index',
  'pages/checkout/index',
  'pages/me/index',
  // h5 only: picks the demo identity the local host should see; WeChat names the caller in weapp.
  ...(process.env.TARO_ENV === 'h5' ? ['pages/dev-login/index'] : []),
];

const subPackages: { root: string; pages: string[] }[] = [
  {
    root: 'merchant',
    pages: ['pages/panel/index', 'pages/review/index', 'pages/stats/index', 'pages/settings/index', 'pages/platform/index', 'pages/orders/index', 'pages/team/index'],
  },
];

export default defineAppConfig({
  pages,
  subPackages,
  // Each page's code loads the components it uses, not every component of the package (WeChat's
  // 按需注入): a faster first screen. checkCodeQuality's LAZYCODE_LOADING_OPEN in `npm run test:weapp`.
  lazyCodeLoading: 'requiredComponents',
  // Which pages WeChat search may index (src/sitemap.json, copied into the weapp build by config/index.ts).
  sitemapLocation: 'sitemap.json',
  window: {
    backgroundTextStyle: 'light',
    navigationBarBackgroundColor: '#fff',
    navigationBarTitleText: '售后服务',
    navigationBarTextStyle: 'black',
    // h5: Taro's own title bar with back (a browser tab has no WeChat bar above the page, issue 17).
    ...(process.env.TARO_ENV === 'h5' ? { navigationStyle: 'default' as const } : {}),
  },
});
