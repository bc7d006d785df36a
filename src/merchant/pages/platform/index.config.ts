export default definePageConfig({
  navigationBarTitleText: '平台介入审核',
  enablePullDownRefresh: true,
  onReachBottomDistance: 200,
});
