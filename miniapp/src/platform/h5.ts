import { createApiClient } from '@careloop/shared/client';
import { apiBaseUrl } from '../services/env';
import { taroStorage, taroTransport } from '../services/taro';
import { createSandboxPlatform } from './sandbox';
import type { Platform } from './types';

export function createH5Platform(): Platform {
  const api = createApiClient({
    baseUrl: apiBaseUrl,
    transport: taroTransport,
    tokens: { get: () => null, set: () => undefined },
  });
  return createSandboxPlatform({ api, storage: taroStorage });
}
