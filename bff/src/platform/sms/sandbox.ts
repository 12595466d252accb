/**
 * What the sandbox's emulated Aliyun SMS endpoint (platform/sandbox/smsRoutes.ts) keeps: the messages it accepted
 * (instead of delivering them, so tests and development see what was sent, and how often), the signature nonces it
 * has seen (Aliyun refuses a nonce used again), and failures tests asked it to simulate for the next sends.
 * All of it lives in the database, so every instance sharing it behaves alike.
 */
import mongoose, { Schema } from 'mongoose';

const sandboxSmsSchema = new Schema(
  {
    phone: { type: String, required: true },
    templateCode: { type: String, required: true },
    signName: { type: String, required: true },
    params: { type: Schema.Types.Mixed, default: {} },
    outId: { type: String, default: null },
    bizId: { type: String, default: null },
  },
  { timestamps: true, minimize: false },
);
sandboxSmsSchema.index({ phone: 1, createdAt: 1 });
sandboxSmsSchema.index({ outId: 1 });
export const SandboxSmsModel = mongoose.model('SandboxSms', sandboxSmsSchema, 'sandbox_sms_messages');

const sandboxSmsNonceSchema = new Schema({ _id: { type: String, required: true } }, { timestamps: true });
const SandboxSmsNonceModel = mongoose.model('SandboxSmsNonce', sandboxSmsNonceSchema, 'sandbox_sms_nonces');

const sandboxSmsFaultSchema = new Schema(
  {
    /** The Aliyun code to answer with; null: answer normally (after the hang). */
    code: { type: String, default: null },
    message: { type: String, default: '' },
    status: { type: Number, default: 200 },
    /** Hold the answer this long first (a client with a shorter timeout gives up: outcome unknown). */
    hangMs: { type: Number, default: 0 },
    remaining: { type: Number, required: true },
  },
  { timestamps: true },
);
const SandboxSmsFaultModel = mongoose.model('SandboxSmsFault', sandboxSmsFaultSchema, 'sandbox_sms_faults');

/** A mainland mobile number, optionally with +86 or 86 in front. */
export const MAINLAND_MOBILE = /^(?:\+?86)?1[3-9]\d{9}$/;
export const nationalNumber = (phone: string) => phone.replace(/^\+?86(?=1\d{10}$)/, '');

/** When this process last deleted expired nonces. */
let noncesPrunedAt = 0;

/**
 * Records one SignatureNonce; false when it was used before (Aliyun answers SignatureNonceUsed). Nonces older than
 * `keepMs` can no longer be replayed (their timestamp is refused first), so now and then they are deleted: the
 * collection stays small without a TTL index, which mongo-java-server lacks. At most once a minute per process:
 * the delete's range filter scans every nonce there (mongo-java-server), so pruning on a share of the sends cost
 * quadratically in a burst of sends.
 */
export async function useSandboxSmsNonce(nonce: string, keepMs: number): Promise<boolean> {
  try {
    await SandboxSmsNonceModel.create({ _id: nonce });
    if (Date.now() - noncesPrunedAt >= 60_000) {
      noncesPrunedAt = Date.now();
      await SandboxSmsNonceModel.deleteMany({ createdAt: { $lt: new Date(Date.now() - keepMs) } });
    }
    return true;
  } catch (error) {
    if ((error as { code?: number }).code === 11000) return false;
    throw error;
  }
}

export async function recordSandboxSms(message: {
  phone: string;
  templateCode: string;
  signName: string;
  params: Record<string, string>;
  outId: string | null;
  bizId: string;
}): Promise<void> {
  await SandboxSmsModel.create({ ...message, phone: nationalNumber(message.phone) });
}

export interface SandboxSmsFault {
  code: string | null;
  message: string;
  status: number;
  hangMs: number;
}

/** The next sends (`count` of them) fail this way. */
export async function addSandboxSmsFault(fault: SandboxSmsFault & { count: number }): Promise<void> {
  const { count, ...rest } = fault;
  await SandboxSmsFaultModel.create({ ...rest, remaining: count });
}

export async function clearSandboxSmsFaults(): Promise<void> {
  await SandboxSmsFaultModel.deleteMany({});
}

/** Takes one send's worth of the oldest pending fault (a conditional update: each is used `count` times at most). */
export async function takeSandboxSmsFault(): Promise<SandboxSmsFault | null> {
  const doc = await SandboxSmsFaultModel.findOneAndUpdate(
    { remaining: { $gt: 0 } },
    { $inc: { remaining: -1 } },
    { sort: { createdAt: 1, _id: 1 } },
  ).lean();
  return (
    doc && { code: doc.code ?? null, message: doc.message ?? '', status: doc.status ?? 200, hangMs: doc.hangMs ?? 0 }
  );
}

export async function listSandboxSms(filter: { phone?: string; outId?: string }) {
  const query: Record<string, unknown> = {};
  if (filter.phone) query.phone = nationalNumber(filter.phone);
  if (filter.outId) query.outId = filter.outId;
  const docs = await SandboxSmsModel.find(query).sort({ createdAt: 1, _id: 1 }).limit(1000).lean();
  return docs.map((doc) => ({
    id: String(doc._id),
    phone: doc.phone,
    templateCode: doc.templateCode,
    signName: doc.signName,
    params: (doc.params ?? {}) as Record<string, string>,
    outId: doc.outId ?? null,
    bizId: doc.bizId ?? null,
    sentAt: doc.createdAt.toISOString(),
  }));
}
