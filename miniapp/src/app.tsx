import { useLaunch } from '@tarojs/taro';
import type { PropsWithChildren } from 'react';
import { session } from './session';
import { startTracking } from './tracking';
import './app.scss';

function App({ children }: PropsWithChildren) {
  // Sign in as soon as the mini-program starts; every page reads the session's state. Behaviour events queue up
  // from the first page and are sent once the customer is signed in and has accepted the privacy policy.
  useLaunch(() => {
    startTracking();
    void session.start();
  });
  return children;
}

export default App;
