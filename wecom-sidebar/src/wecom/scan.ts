/**
 * Scanning a patient's appointment QR with the WeCom client's camera (`ww.scanQRCode`, mobile WeCom): register the
 * workbench with the JS-SDK once, then ask for the scan's text. `ww` is injected (the real module in the app, a fake
 * in tests). A desktop client that cannot scan never answers: the call gives up after `timeoutMs`.
 */
import type { JsSdkSignature } from '@careloop/shared';
import { callWithTimeout } from './timeout';

export interface WwScanApi {
  register(options: {
    corpId: string;
    agentId?: string | number;
    jsApiList?: string[];
    getConfigSignature?: (url: string) => Promise<JsSdkSignature>;
    getAgentConfigSignature?: (url: string) => Promise<JsSdkSignature>;
  }): void;
  scanQRCode(): Promise<{ resultStr?: string }>;
}

export interface ScannerDeps {
  ww: WwScanApi;
  wecom: { corpId: string; agentId: string };
  sign(url: string, type: 'config' | 'agentConfig'): Promise<JsSdkSignature>;
  timeoutMs?: number;
}

export const SCAN_TIMEOUT_MS = 120_000;

/** A function that scans one code and resolves to its text (rejects when WeCom fails or returns nothing). */
export function createWecomScanner(deps: ScannerDeps): () => Promise<string> {
  let registered: Promise<void> | null = null;
  return async () => {
    registered ??= callWithTimeout('register', () =>
      deps.ww.register({
        corpId: deps.wecom.corpId,
        agentId: deps.wecom.agentId,
        jsApiList: ['scanQRCode'],
        getConfigSignature: (url) => deps.sign(url, 'config'),
        getAgentConfigSignature: (url) => deps.sign(url, 'agentConfig'),
      }),
    ).catch((reason: unknown) => {
      registered = null;
      throw reason;
    });
    await registered;
    const result = await callWithTimeout('scanQRCode', () => deps.ww.scanQRCode(), deps.timeoutMs ?? SCAN_TIMEOUT_MS);
    const text = result?.resultStr?.trim();
    if (!text) throw new Error('没有扫描到内容 (The scan returned nothing)');
    return text;
  };
}
