/**
 * The sandbox SMS provider: checks a message as a provider would (number, template, parameters) and records it in
 * the database instead of delivering it, so tests and development see what was sent (and how often).
 */
import mongoose, { Schema } from 'mongoose';
import type { SmsMessage, SmsProvider, SmsResult } from './provider';

const sandboxSmsSchema = new Schema(
  {
    phone: { type: String, required: true },
    templateCode: { type: String, required: true },
    signName: { type: String, required: true },
    params: { type: Schema.Types.Mixed, default: {} },
    outId: { type: String, default: null },
  },
  { timestamps: true, minimize: false },
);
sandboxSmsSchema.index({ phone: 1, createdAt: 1 });
sandboxSmsSchema.index({ outId: 1 });
export const SandboxSmsModel = mongoose.model('SandboxSms', sandboxSmsSchema, 'sandbox_sms_messages');

const MOBILE = /^(?:\+?86)?1[3-9]\d{9}$/;

export const sandboxSmsProvider: SmsProvider = {
  name: 'sandbox',
  async send(message: SmsMessage): Promise<SmsResult> {
    if (!MOBILE.test(message.phone)) {
      return { ok: false, code: 'isv.MOBILE_NUMBER_ILLEGAL', message: 'invalid mobile number' };
    }
    if (!/^[A-Za-z0-9_]{1,64}$/.test(message.templateCode)) {
      return { ok: false, code: 'isv.SMS_TEMPLATE_ILLEGAL', message: 'invalid template code' };
    }
    if (Object.values(message.params).some((value) => typeof value !== 'string' || value.length > 35)) {
      return { ok: false, code: 'isv.PARAM_LENGTH_LIMIT', message: 'a parameter is longer than 35 characters' };
    }
    const doc = await SandboxSmsModel.create({
      phone: message.phone.replace(/^\+?86/, ''),
      templateCode: message.templateCode,
      signName: message.signName,
      params: message.params,
      outId: message.outId,
    });
    return { ok: true, messageId: String(doc._id) };
  },
};

export async function listSandboxSms(filter: { phone?: string; outId?: string }) {
  const query: Record<string, unknown> = {};
  if (filter.phone) query.phone = filter.phone.replace(/^\+?86/, '');
  if (filter.outId) query.outId = filter.outId;
  const docs = await SandboxSmsModel.find(query).sort({ createdAt: 1, _id: 1 }).limit(1000).lean();
  return docs.map((doc) => ({
    id: String(doc._id),
    phone: doc.phone,
    templateCode: doc.templateCode,
    signName: doc.signName,
    params: (doc.params ?? {}) as Record<string, string>,
    outId: doc.outId ?? null,
    sentAt: doc.createdAt.toISOString(),
  }));
}
