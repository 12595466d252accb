/**
 * The sandbox's WeChat Pay sheet (H5 build only). `wx.requestPayment` opens WeChat's own sheet, where the user
 * confirms with their password; in the browser the app draws an emulated sheet instead (`SandboxPaySheet`), and
 * confirming asks the sandbox to have the emulated user pay the order behind the prepay_id — which makes the
 * sandbox's WeChat Pay send its notification to the BFF, exactly as the real one would.
 *
 * This store is the sheet's state and the promise behind `requestPayment`; the component only draws it.
 */
import type { RequestPaymentParams } from '@careloop/shared';
import { ApiError, type ApiClient } from '@careloop/shared/client';
import { errorMessage } from '../lib/errors';
import { prepayIdFromPackage } from './payment';
import type { PaymentSheetOrder, RequestPaymentSuccess } from './types';

export interface SandboxPaySheetState {
  /**
   * The page that draws the sheet. Pages stack up (Taro keeps the pages below the current one mounted), so the
   * most recently attached one draws it.
   */
  activeHost: number | null;
  /** The open sheet, or null. */
  sheet: { order: PaymentSheetOrder; prepayId: string; paying: boolean } | null;
}

export interface SandboxPaySheet {
  getState(): SandboxPaySheetState;
  subscribe(listener: () => void): () => void;
  /** Opens the sheet; settles like `wx.requestPayment` once the user confirms or closes it. */
  requestPayment(params: RequestPaymentParams, order: PaymentSheetOrder): Promise<RequestPaymentSuccess>;
  /** The user confirmed: the emulated user pays. */
  confirm(): Promise<void>;
  /** The user closed the sheet. */
  cancel(): void;
  /** A page that can draw the sheet was opened: answers its host id. Without any host, payment fails. */
  attach(): number;
  /** That page went away; if it was showing the open sheet, that counts as closing it. */
  detach(host: number): void;
}

export const SANDBOX_PAY_OK = 'requestPayment:ok';
export const SANDBOX_PAY_CANCEL = 'requestPayment:fail cancel';

export function createSandboxPaySheet({ api }: { api: Pick<ApiClient, 'publicRequest'> }): SandboxPaySheet {
  let state: SandboxPaySheetState = { activeHost: null, sheet: null };
  let pending: { resolve(value: RequestPaymentSuccess): void; reject(error: { errMsg: string }): void } | null = null;
  let hosts: number[] = [];
  let nextHost = 1;
  const listeners = new Set<() => void>();

  function setState(next: Partial<SandboxPaySheetState>) {
    state = { ...state, ...next };
    for (const listener of [...listeners]) listener();
  }

  function settle(outcome: { ok: true } | { ok: false; errMsg: string }) {
    const current = pending;
    pending = null;
    setState({ sheet: null });
    if (!current) return;
    if (outcome.ok) current.resolve({ errMsg: SANDBOX_PAY_OK });
    else current.reject({ errMsg: outcome.errMsg });
  }

  return {
    getState: () => state,
    subscribe(listener) {
      listeners.add(listener);
      return () => {
        listeners.delete(listener);
      };
    },
    requestPayment(params, order) {
      if (pending) return Promise.reject({ errMsg: 'requestPayment:fail another payment is in progress' });
      const prepayId = prepayIdFromPackage(params.package);
      if (!prepayId) return Promise.reject({ errMsg: 'requestPayment:fail invalid package' });
      if (hosts.length === 0) return Promise.reject({ errMsg: 'requestPayment:fail no payment sheet on this page' });
      return new Promise<RequestPaymentSuccess>((resolve, reject) => {
        pending = { resolve, reject };
        setState({ sheet: { order, prepayId, paying: false } });
      });
    },
    async confirm() {
      const { sheet } = state;
      if (!sheet || sheet.paying) return;
      setState({ sheet: { ...sheet, paying: true } });
      try {
        await api.publicRequest('POST', `/sandbox/control/pay/prepay/${encodeURIComponent(sheet.prepayId)}/pay`, {});
        settle({ ok: true });
      } catch (error) {
        const reason =
          error instanceof ApiError && error.status === 404 && /^HTTP_/.test(error.code)
            ? 'the sandbox cannot take payments here'
            : errorMessage(error);
        settle({ ok: false, errMsg: `requestPayment:fail ${reason}` });
      }
    },
    cancel() {
      if (state.sheet?.paying) return; // the payment is on its way: wait for its answer
      settle({ ok: false, errMsg: SANDBOX_PAY_CANCEL });
    },
    attach() {
      const host = nextHost++;
      hosts = [...hosts, host];
      setState({ activeHost: host });
      return host;
    },
    detach(host) {
      const wasActive = state.activeHost === host;
      hosts = hosts.filter((id) => id !== host);
      setState({ activeHost: hosts[hosts.length - 1] ?? null });
      if (wasActive && pending && !state.sheet?.paying) settle({ ok: false, errMsg: SANDBOX_PAY_CANCEL });
    },
  };
}
