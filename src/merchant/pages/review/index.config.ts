export default definePageConfig({ navigationBarTitleText: '售后审核' });
