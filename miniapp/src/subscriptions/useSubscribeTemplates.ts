import { useEffect, useState } from 'react';
import type { ApiClient } from '@careloop/shared/client';
import { loadSubscribeTemplates, type SubscribeTemplates } from './index';

/** The server's templates, loaded on mount (so a tap can open WeChat's dialog at once); null while loading or failed. */
export function useSubscribeTemplates(api: Pick<ApiClient, 'get'>): SubscribeTemplates | null {
  const [templates, setTemplates] = useState<SubscribeTemplates | null>(null);
  useEffect(() => {
    let live = true;
    loadSubscribeTemplates(api).then(
      (loaded) => live && setTemplates(loaded),
      () => undefined, // no templates: the button is not offered
    );
    return () => {
      live = false;
    };
  }, [api]);
  return templates;
}
