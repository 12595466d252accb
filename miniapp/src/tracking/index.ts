import type { IngestEventsResponse } from '@careloop/shared';
import Taro, { useDidShow, useRouter } from '@tarojs/taro';
import { createEventQueue } from '../lib/eventQueue';
import { taroStorage } from '../services/taro';
import { consent, session } from '../session';
import { hasAcceptedPolicy } from '../session/consent';
import { pageViewPath } from './pagePath';

/**
 * The mini-program's behaviour events. They are sent only while a customer is signed in and has accepted the
 * current privacy policy; until then they wait on the device (bounded), and after an erasure they are dropped.
 */
export const tracker = createEventQueue({
  send: (events) => session.api.post<IngestEventsResponse>('/api/mp/events', { events }),
  storage: taroStorage,
  canSend: () => session.getState().status === 'signed-in' && hasAcceptedPolicy(consent.getState()),
});

let started = false;
let previousPath: string | undefined;

/** Wires the queue to the session, consent and app lifecycle; call once at launch. */
export function startTracking(): void {
  if (started) return;
  started = true;
  const resume = () => void tracker.flush();
  session.subscribe(() => {
    if (session.getState().status === 'erased')
      tracker.clear(); // those events belonged to the erased profile
    else resume();
  });
  consent.subscribe(resume);
  // Last chance before WeChat (or the browser tab) goes to the background; what does not make it is kept.
  Taro.onAppHide(resume);
}

/** Records a page view each time the page is shown (`useDidShow`), with the page shown before as referrer. */
export function usePageView(title?: string): void {
  const router = useRouter();
  useDidShow(() => {
    const path = pageViewPath(router.path, router.params);
    tracker.track('page.viewed', {
      path,
      ...(title ? { title } : {}),
      ...(previousPath && previousPath !== path ? { referrer: previousPath } : {}),
    });
    previousPath = path;
  });
}
