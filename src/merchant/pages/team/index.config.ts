export default definePageConfig({ navigationBarTitleText: '店员与密钥' });
