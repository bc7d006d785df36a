export default definePageConfig({ navigationBarTitleText: '我的售后', enablePullDownRefresh: true, onReachBottomDistance: 80 });
