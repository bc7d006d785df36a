export default definePageConfig({ navigationBarTitleText: '售后帮助' });
