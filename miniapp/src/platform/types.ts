import type { RequestPaymentParams } from '@careloop/shared';

/**
 * What the mini-program needs from the platform it runs on. One implementation per build target
 * (`process.env.TARO_ENV`): the real WeChat APIs in `weapp`, the CareLoop sandbox in `h5`.
 *
 * The phone number is the exception: WeChat hands out a getPhoneNumber code only from a button the user taps
 * (`<Button openType="getPhoneNumber">`), so that part of the adapter is a component, `PhoneNumberButton`.
 */
export interface Platform {
  /** A single-use WeChat login code (what `wx.login` returns) for `POST /api/mp/auth/login`. */
  login(): Promise<string>;
  /**
   * Sandbox only (H5): the code WeChat's getPhoneNumber sheet would return once the signed-in emulated user
   * confirms this number. Absent where the real button does the job.
   */
  sandboxPhoneCode?(phoneNumber: string): Promise<string>;
  /** Hands the customer's data export (JSON text) over to them: a downloaded file in H5, the clipboard in WeChat. */
  deliverExport(json: string, filename: string): Promise<ExportDelivery>;
  /**
   * WeChat Pay's sheet for a JSAPI order (`wx.requestPayment` with the parameters the server signed). Behaves like
   * `wx.requestPayment`: resolves `{ errMsg: 'requestPayment:ok' }` once the user paid; rejects with
   * `{ errMsg: 'requestPayment:fail cancel' }` when they closed the sheet, or another `requestPayment:fail …`.
   * Either way the order's status on the server decides: poll it afterwards. `order` is what the sheet shows where
   * the app draws it itself (the sandbox); WeChat shows its own.
   */
  requestPayment(params: RequestPaymentParams, order: PaymentSheetOrder): Promise<RequestPaymentSuccess>;
  /**
   * WeChat's subscribe-message dialog (`wx.requestSubscribeMessage`; must follow a tap): resolves the template ids
   * the user allowed — each one lets the server send one message.
   */
  requestSubscribeMessage(templateIds: string[]): Promise<string[]>;
}

/** What the payment sheet shows: the server's amount and description of the order. */
export interface PaymentSheetOrder {
  amountFen: number;
  description: string;
}

export interface RequestPaymentSuccess {
  errMsg: string;
}

export type ExportDelivery = { kind: 'downloaded'; filename: string } | { kind: 'copied'; bytes: number };

/** What came of asking for the phone number. */
export type PhoneCodeResult =
  { ok: true; code: string } | { ok: false; reason: 'refused' } | { ok: false; reason: 'failed'; message: string };
