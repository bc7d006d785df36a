export default definePageConfig({ navigationBarTitleText: '店铺售后设置' });
