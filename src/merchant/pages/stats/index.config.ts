export default definePageConfig({ navigationBarTitleText: '退款数据分析', enablePullDownRefresh: true });
