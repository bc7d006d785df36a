export default definePageConfig({
  navigationBarTitleText: '售后待处理',
  enablePullDownRefresh: true,
  backgroundTextStyle: 'dark',
  // Start the next page well before the last row, so scrolling never waits at the bottom.
  onReachBottomDistance: 400,
});
