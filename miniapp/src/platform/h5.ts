import { createApiClient } from '@careloop/shared/client';
import { apiBaseUrl } from '../services/env';
import { taroStorage, taroTransport } from '../services/taro';
import { createSandboxPlatform } from './sandbox';
import { createSandboxPaySheet } from './sandboxPay';
import type { ExportDelivery, Platform } from './types';

/** A browser download of the export: a Blob behind a temporary link with `download`. */
export async function downloadJson(json: string, filename: string): Promise<ExportDelivery> {
  const url = URL.createObjectURL(new Blob([json], { type: 'application/json;charset=utf-8' }));
  try {
    const link = document.createElement('a');
    link.href = url;
    link.download = filename;
    link.style.display = 'none';
    document.body.appendChild(link);
    link.click();
    link.remove();
  } finally {
    // The download has started by now; give the browser a moment before the URL goes away.
    setTimeout(() => URL.revokeObjectURL(url), 10_000);
  }
  return { kind: 'downloaded', filename };
}

/** The sandbox's control API lives on the same origin as the API; it needs no session. */
const sandboxApi = createApiClient({
  baseUrl: apiBaseUrl,
  transport: taroTransport,
  tokens: { get: () => null, set: () => undefined },
});

/** The emulated WeChat Pay sheet; `SandboxPaySheet` draws it on the pages that take payments. */
export const sandboxPaySheet = createSandboxPaySheet({ api: sandboxApi });

export function createH5Platform(): Platform {
  return createSandboxPlatform({
    api: sandboxApi,
    storage: taroStorage,
    deliverExport: downloadJson,
    paySheet: sandboxPaySheet,
  });
}
