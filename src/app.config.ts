// The buyer pages are the main package; merchant and platform pages are the `merchant` subpackage,
// so buyers never download them.
const pages = ['pages/index/index'];

const subPackages: { root: string; pages: string[] }[] = [];

export default defineAppConfig({
  pages,
  subPackages,
  window: {
    backgroundTextStyle: 'light',
    navigationBarBackgroundColor: '#fff',
    navigationBarTitleText: '售后服务',
    navigationBarTextStyle: 'black',
  },
});
