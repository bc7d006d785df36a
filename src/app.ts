import { PropsWithChildren } from 'react';
import Taro, { useLaunch } from '@tarojs/taro';
import { launchedOn } from './pages/routes';
import './app.scss';

// WeChat cloud must be initialised once before the first callFunction / uploadFile (weapp only; h5 talks to the local host).
if (process.env.TARO_ENV === 'weapp' && Taro.cloud) {
  Taro.cloud.init({ ...(CLOUD_ENV ? { env: CLOUD_ENV } : {}), traceUser: true });
}

// h5: the page the tab was opened on, before the router touches the address.
if (process.env.TARO_ENV === 'h5') launchedOn(window.location.hash.replace(/^#\/?/, ''));

function App({ children }: PropsWithChildren) {
  useLaunch((options) => {
    if (process.env.TARO_ENV !== 'h5') launchedOn(options.path ?? '');
  });
  return children;
}

export default App;
