/**
 * The only module that imports the WeCom JS-SDK. Importing it is harmless in any browser; calling its functions
 * outside the WeCom client is not (they never settle), so callers check `isInsideWecom()` first.
 */
import * as ww from '@wecom/jssdk';
import type { WwApi } from './contact';
import type { WwScanApi } from './scan';
import type { WwSendApi } from '../content/share';

export function isInsideWecom(): boolean {
  return ww.env.isWeCom;
}

export const wecomJsSdk: WwApi = {
  register: (options) => ww.register(options),
  getContext: () => ww.getContext(),
  getCurExternalContact: () => ww.getCurExternalContact(),
};

export const wecomScanApi: WwScanApi = {
  register: (options) => ww.register(options),
  scanQRCode: () =>
    ww.scanQRCode({ needResult: true, scanType: [ww.ScanQRCodeType.qrCode, ww.ScanQRCodeType.barCode] }),
};

/** Sends into the chat the sidebar was opened from (news or mini-program cards). */
export const wecomSendApi: WwSendApi = {
  register: (options) => ww.register(options),
  sendChatMessage: (message) => ww.sendChatMessage(message),
};
