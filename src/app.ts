import { PropsWithChildren } from 'react';
import Taro, { useLaunch } from '@tarojs/taro';
import { launchedOn } from './pages/routes';
import { askFirstScreenEarly } from './services/launch';
import { useIdentityStore } from './stores/identity';
import { ORDERS_PAGE_SIZE } from './stores/orders';
import './app.scss';

// WeChat cloud must be initialised once before the first callFunction / uploadFile (weapp only; h5 talks to the local host).
if (process.env.TARO_ENV === 'weapp' && Taro.cloud) {
  Taro.cloud.init({ ...(CLOUD_ENV ? { env: CLOUD_ENV } : {}), traceUser: true });
}

// h5: the page the tab was opened on, before the router touches the address.
// The first screen's requests go out now, while its page's code still loads (issue 18 item 4).
if (process.env.TARO_ENV === 'h5') {
  const launchPath = window.location.hash.replace(/^#\/?/, '');
  launchedOn(launchPath);
  askFirstScreenEarly(launchPath, useIdentityStore.getState().identity, ORDERS_PAGE_SIZE);
}

function App({ children }: PropsWithChildren) {
  useLaunch((options) => {
    if (process.env.TARO_ENV !== 'h5') launchedOn(options.path ?? '');
  });
  return children;
}

export default App;
