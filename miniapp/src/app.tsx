import { useLaunch } from '@tarojs/taro';
import type { PropsWithChildren } from 'react';
import { session } from './session';
import './app.scss';

function App({ children }: PropsWithChildren) {
  // Sign in as soon as the mini-program starts; every page reads the session's state.
  useLaunch(() => {
    void session.start();
  });
  return children;
}

export default App;
