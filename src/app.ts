import { PropsWithChildren } from 'react';
import Taro from '@tarojs/taro';
import './app.scss';

// WeChat cloud must be initialised once before the first callFunction / uploadFile (weapp only; h5 talks to the local host).
if (process.env.TARO_ENV === 'weapp' && Taro.cloud) {
  Taro.cloud.init({ ...(CLOUD_ENV ? { env: CLOUD_ENV } : {}), traceUser: true });
}

function App({ children }: PropsWithChildren) {
  return children;
}

export default App;
