/**
 * Text messages (SMS) through a provider. The interface follows what Chinese SMS providers take (Aliyun's SendSms:
 * phone numbers, an approved signature and template, the template's parameters as JSON, and an `OutId` the caller
 * chooses for tracing); providers offer no idempotency, so callers must send at most once themselves (journeys mark
 * a message `sending` before the call and never retry one whose outcome is unknown).
 *
 * The provider is Aliyun's SendSms (aliyun.ts). In sandbox mode it talks to the sandbox's emulated Dysms endpoint
 * (/sandbox/sms, the same protocol and signature), which records each message (GET /sandbox/control/sms/messages);
 * with no provider configured, sending is refused with a clear code.
 */
import type { Config } from '@careloop/config';
import { aliyunSmsProvider } from './aliyun';

export interface SmsMessage {
  /** The number in national form (e.g. 13800138000) or with +86. */
  phone: string;
  templateCode: string;
  /** The approved signature (签名); absent or empty: the configured SMS_SIGN_NAME. */
  signName?: string;
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

const unconfigured: SmsProvider = {
  name: 'none',
  async send() {
    return { ok: false, code: 'NOT_CONFIGURED', message: 'No SMS provider is configured' };
  },
};

/** The provider for this configuration: Aliyun (the real service or the sandbox's emulation of it), or none. */
export function createSmsProvider(config: Pick<Config, 'sms'>): SmsProvider {
  const { sms } = config;
  if (sms.provider !== 'aliyun') return unconfigured;
  return aliyunSmsProvider({
    endpoint: sms.endpoint,
    accessKeyId: sms.accessKeyId,
    accessKeySecret: sms.accessKeySecret,
    signName: sms.signName,
  });
}
