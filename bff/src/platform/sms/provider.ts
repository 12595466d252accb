/**
 * Text messages (SMS) through a provider. The interface follows what Chinese SMS providers take (Aliyun's SendSms:
 * phone numbers, an approved signature and template, the template's parameters as JSON, and an `OutId` the caller
 * chooses for tracing); providers offer no idempotency, so callers must send at most once themselves (journeys mark
 * a message `sending` before the call and never retry one whose outcome is unknown).
 *
 * In sandbox mode the sandbox provider records each message in the database (GET /sandbox/control/sms/messages);
 * with no provider configured, sending fails with a clear error.
 */
import type { Config } from '@careloop/config';
import { sandboxSmsProvider } from './sandbox';

export interface SmsMessage {
  /** The number in national form (e.g. 13800138000) or with +86. */
  phone: string;
  templateCode: string;
  signName: string;
  params: Record<string, string>;
  /** The caller's id of this message (traced in the provider's receipts); journeys use the execution key. */
  outId: string;
}

/** `ok: false` is a definite refusal (the message was not sent); a thrown error means the outcome is unknown. */
export type SmsResult = { ok: true; messageId: string } | { ok: false; code: string; message: string };

export interface SmsProvider {
  readonly name: string;
  send(message: SmsMessage): Promise<SmsResult>;
}

export const DEFAULT_SMS_SIGN_NAME = 'CareLoop';

const unconfigured: SmsProvider = {
  name: 'none',
  async send() {
    return { ok: false, code: 'NOT_CONFIGURED', message: 'No SMS provider is configured' };
  },
};

/** The provider for this configuration: the sandbox's in sandbox mode, none otherwise (until one is configured). */
export function createSmsProvider(config: Pick<Config, 'sandbox'>): SmsProvider {
  return config.sandbox ? sandboxSmsProvider : unconfigured;
}
