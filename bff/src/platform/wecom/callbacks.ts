/**
 * WeCom's callback URL: `GET /api/wecom/callback` (URL verification with `echostr`) and `POST /api/wecom/callback`
 * (encrypted events, e.g. change_external_contact / add_external_contact).
 *
 * An event is verified (msg_signature, in constant time), decrypted, stored in the durable queue (`wecom_callbacks`,
 * unique by a hash of the decrypted message, so WeCom's retries never make a second item) and acknowledged with
 * `success` at once; then it is processed in this process straight away (the fast path: a WelcomeCode is valid
 * 20 seconds), and by the periodic sweep when that did not finish (crash, handler failure: retried with backoff).
 *
 * Processing takes the item with a lease (a single-document conditional update), runs the handlers in order and
 * records each one that finished in `handlersDone`, so a retry runs only the unfinished ones. Handlers must be
 * idempotent: a lease that runs out while a handler still works lets another instance run it again.
 *
 * These speak WeCom's protocol (text/plain answers), so they are plain Koa routes documented by hand
 * (`wecomCallbackOpenApiPaths`), like WeChat Pay's notifications.
 */
import { createHash, randomUUID } from 'node:crypto';
import Router from '@koa/router';
import type { Context } from 'koa';
import getRawBody from 'raw-body';
import type { AppDeps } from '../../deps';
import { AppError } from '../../http/errors';
import { isDuplicateKey } from '../../db/retry';
import { CallbackCryptoError, verifyAndDecrypt, type CallbackKeys } from './callbackCrypto';
import { WecomCallbackModel, type WecomCallbackDocument } from './callbackModel';
import { parseWecomXml } from './xml';

export const WECOM_CALLBACK_PATH = '/api/wecom/callback';

/** A queued callback as handlers see it. */
export interface WecomCallbackEvent {
  /** The queue item's id (stable across retries: use it for idempotency keys). */
  id: string;
  /** Event, e.g. 'change_external_contact' (MsgType when there is no Event). */
  event: string;
  /** ChangeType, e.g. 'add_external_contact'. */
  changeType: string | null;
  /** UserID: the staff member. */
  userId: string | null;
  externalUserId: string | null;
  /** State: the contact-me code's state. */
  state: string | null;
  welcomeCode: string | null;
  /** CreateTime. */
  createdAt: Date;
  /** Every element of the message. */
  fields: Record<string, string>;
}

export interface WecomCallbackHandler {
  /** Unique; recorded in `handlersDone` once the handler finished for an item. */
  name: string;
  handle(event: WecomCallbackEvent, deps: AppDeps): Promise<void>;
}

const LEASE_MS = 60_000;
/** After this many failed attempts an item is left as `failed` (visible, no longer retried). */
const MAX_ATTEMPTS = 10;
/** Processed items are kept (hash only) this long, so a late retry of the same message is still recognised. */
const RETENTION_MS = 30 * 24 * 3600_000;

/** 5 s, 20 s, 80 s … capped at 30 minutes. */
export function retryDelayMs(attempts: number): number {
  return Math.min(5_000 * 4 ** Math.max(0, attempts - 1), 30 * 60_000);
}

function toEvent(doc: WecomCallbackDocument): WecomCallbackEvent {
  const fields = (doc.fields ?? {}) as Record<string, string>;
  const createTime = Number(fields.CreateTime);
  return {
    id: String(doc._id),
    event: fields.Event ?? fields.MsgType ?? '',
    changeType: fields.ChangeType || null,
    userId: fields.UserID || null,
    externalUserId: fields.ExternalUserID || null,
    state: fields.State || null,
    welcomeCode: fields.WelcomeCode || null,
    createdAt: Number.isFinite(createTime) && createTime > 0 ? new Date(createTime * 1000) : doc.receivedAt,
    fields,
  };
}

/** Stores a verified, decrypted callback; the same message again only counts another delivery. */
export async function enqueueWecomCallback(
  corpId: string,
  message: string,
  fields: Record<string, string>,
  now = new Date(),
): Promise<{ id: string; created: boolean }> {
  const hash = createHash('sha256').update(message, 'utf8').digest('hex');
  const insert = () =>
    WecomCallbackModel.updateOne(
      { hash },
      {
        // The hash comes from the filter.
        $setOnInsert: {
          corpId,
          message,
          fields,
          event: fields.Event ?? fields.MsgType ?? '',
          changeType: fields.ChangeType || null,
          externalUserId: fields.ExternalUserID || null,
          status: 'pending',
          handlersDone: [],
          attempts: 0,
          nextAttemptAt: now,
          receivedAt: now,
        },
        $inc: { deliveries: 1 },
      },
      { upsert: true },
    );
  let created: boolean;
  try {
    created = (await insert()).upsertedCount === 1;
  } catch (error) {
    // Two deliveries at once: the other inserted it; count this one.
    if (!isDuplicateKey(error)) throw error;
    await WecomCallbackModel.updateOne({ hash }, { $inc: { deliveries: 1 } });
    created = false;
  }
  const doc = await WecomCallbackModel.findOne({ hash }, { _id: 1 }).lean();
  if (!doc) throw new Error('enqueueWecomCallback: the stored callback is missing');
  return { id: String(doc._id), created };
}

/** Takes a due item (this one, or any) with a lease; null when there is none or another instance holds it. */
async function claim(now: Date, id?: string): Promise<{ doc: WecomCallbackDocument; token: string } | null> {
  const token = randomUUID();
  const doc = await WecomCallbackModel.findOneAndUpdate(
    {
      ...(id && { _id: id }),
      status: 'pending',
      nextAttemptAt: { $lte: now },
      $or: [{ leaseUntil: null }, { leaseUntil: { $lt: now } }],
    },
    { $set: { leaseOwner: token, leaseUntil: new Date(now.getTime() + LEASE_MS) }, $inc: { attempts: 1 } },
    { returnDocument: 'after', sort: { nextAttemptAt: 1 } },
  ).lean<WecomCallbackDocument>();
  // The returned document must show our own lease (a server may return a post-image another writer changed).
  if (!doc || doc.leaseOwner !== token) return null;
  return { doc, token };
}

async function run(
  claimed: { doc: WecomCallbackDocument; token: string },
  deps: AppDeps,
  handlers: readonly WecomCallbackHandler[],
): Promise<'done' | 'retry' | 'failed'> {
  const { doc, token } = claimed;
  const event = toEvent(doc);
  const done = new Set(doc.handlersDone);
  try {
    for (const handler of handlers) {
      if (done.has(handler.name)) continue;
      await handler.handle(event, deps);
      await WecomCallbackModel.updateOne({ _id: doc._id }, { $addToSet: { handlersDone: handler.name } });
    }
  } catch (error) {
    const attempts = doc.attempts;
    const failed = attempts >= MAX_ATTEMPTS;
    const message = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
    await WecomCallbackModel.updateOne(
      { _id: doc._id, leaseOwner: token },
      {
        $set: {
          status: failed ? 'failed' : 'pending',
          lastError: message.slice(0, 2000),
          nextAttemptAt: new Date(Date.now() + retryDelayMs(attempts)),
          leaseOwner: null,
          leaseUntil: null,
        },
      },
    );
    deps.logger.warn(
      { err: error, callbackId: event.id, attempts, changeType: event.changeType, failed },
      failed ? 'WeCom callback failed for good' : 'WeCom callback failed; it will be retried',
    );
    return failed ? 'failed' : 'retry';
  }
  await WecomCallbackModel.updateOne(
    { _id: doc._id, leaseOwner: token },
    {
      $set: {
        status: 'done',
        doneAt: new Date(),
        lastError: null,
        leaseOwner: null,
        leaseUntil: null,
        // Only the hash is needed from now on (to recognise a late retry): the message holds personal data.
        message: null,
        fields: null,
      },
    },
  );
  return 'done';
}

/** Processes one item now if it is due and free (the fast path after receiving it). */
export async function processWecomCallback(
  id: string,
  deps: AppDeps,
  handlers: readonly WecomCallbackHandler[],
  now = new Date(),
): Promise<'done' | 'retry' | 'failed' | 'busy'> {
  const claimed = await claim(now, id);
  return claimed ? run(claimed, deps, handlers) : 'busy';
}

/**
 * The sweep: processes every due item (pending, retry time reached, no live lease), oldest first, up to `limit`;
 * and forgets processed items older than the retention. Returns what it did.
 */
export async function processDueWecomCallbacks(
  deps: AppDeps,
  handlers: readonly WecomCallbackHandler[],
  options: { now?: Date; limit?: number } = {},
): Promise<{ processed: number; done: number; forgotten: number }> {
  const now = options.now ?? new Date();
  const limit = options.limit ?? 200;
  let processed = 0;
  let done = 0;
  for (; processed < limit; processed++) {
    const claimed = await claim(now);
    if (!claimed) break;
    if ((await run(claimed, deps, handlers)) === 'done') done++;
  }
  const forgotten = await WecomCallbackModel.deleteMany({
    status: 'done',
    doneAt: { $lt: new Date(now.getTime() - RETENTION_MS) },
  });
  return { processed, done, forgotten: forgotten.deletedCount };
}

// ---------------------------------------------------------------------------------------------------------------
// HTTP

const queryString = (ctx: Context, name: string): string => {
  const value = ctx.query[name];
  return typeof value === 'string' ? value : '';
};

function signedQuery(ctx: Context) {
  const query = {
    msgSignature: queryString(ctx, 'msg_signature'),
    timestamp: queryString(ctx, 'timestamp'),
    nonce: queryString(ctx, 'nonce'),
  };
  const missing = Object.entries({ msg_signature: query.msgSignature, timestamp: query.timestamp, nonce: query.nonce })
    .filter(([, value]) => !value)
    .map(([name]) => name);
  if (missing.length) {
    throw new AppError('VALIDATION_FAILED', 'Invalid query', [
      ...missing.map((name) => ({ in: 'query', path: name, code: 'required', message: `${name} is required` })),
    ]);
  }
  return query;
}

function open(ctx: Context, keys: CallbackKeys, signed: ReturnType<typeof signedQuery>, encrypted: string): string {
  try {
    return verifyAndDecrypt(keys, { ...signed, encrypted });
  } catch (error) {
    if (!(error instanceof CallbackCryptoError)) throw error;
    ctx.state.log?.warn({ reason: error.reason }, 'WeCom callback rejected');
    if (error.reason === 'signature') {
      throw new AppError('CALLBACK_SIGNATURE_INVALID', 'The callback signature (msg_signature) does not verify');
    }
    throw new AppError('CALLBACK_INVALID', `The callback cannot be decrypted (${error.reason})`);
  }
}

/**
 * The callback routes. `handlers` run in order for every event (see wecomCallbackHandlers.ts). Mount before the
 * JSON body parser: WeCom posts XML.
 */
export function wecomCallbackRouter(deps: AppDeps, handlers: readonly WecomCallbackHandler[]): Router {
  const { config } = deps;
  const keys: CallbackKeys = { ...config.wecom.callback, corpId: config.wecom.corpId };
  const router = new Router();

  router.get(WECOM_CALLBACK_PATH, (ctx) => {
    const signed = signedQuery(ctx);
    // A '+' of base64 arrives as a space when the query was not URL-encoded; base64 has no spaces.
    const echostr = queryString(ctx, 'echostr').replace(/ /g, '+');
    if (!echostr) {
      throw new AppError('VALIDATION_FAILED', 'Invalid query', [
        { in: 'query', path: 'echostr', code: 'required', message: 'echostr is required' },
      ]);
    }
    ctx.type = 'text/plain';
    ctx.body = open(ctx, keys, signed, echostr);
  });

  router.post(WECOM_CALLBACK_PATH, async (ctx) => {
    const signed = signedQuery(ctx);
    let raw: string;
    try {
      raw = await getRawBody(ctx.req, { limit: config.bodyLimitBytes, encoding: 'utf8' });
    } catch (error) {
      if ((error as { type?: string }).type === 'entity.too.large') {
        throw new AppError('PAYLOAD_TOO_LARGE', `Request body exceeds ${config.bodyLimitBytes} bytes`);
      }
      throw new AppError('CALLBACK_INVALID', 'The callback body could not be read');
    }
    const outer = parseWecomXml(raw);
    if (!outer?.Encrypt) throw new AppError('CALLBACK_INVALID', 'The callback body is not WeCom XML with <Encrypt>');
    const message = open(ctx, keys, signed, outer.Encrypt);
    const fields = parseWecomXml(message);
    if (!fields) throw new AppError('CALLBACK_INVALID', 'The decrypted callback is not WeCom XML');

    const { id, created } = await enqueueWecomCallback(keys.corpId, message, fields);
    ctx.state.log?.info(
      { callbackId: id, created, event: fields.Event, changeType: fields.ChangeType },
      'WeCom callback received',
    );
    ctx.type = 'text/plain';
    ctx.body = 'success';
    // The fast path, after the answer: WeCom waits at most 5 s, and a WelcomeCode is valid 20 s.
    setImmediate(() => {
      processWecomCallback(id, deps, handlers).catch((err: unknown) =>
        deps.logger.error({ err, callbackId: id }, 'WeCom callback processing failed'),
      );
    });
  });

  return router;
}

const errorContent = {
  'application/json': {
    schema: {
      type: 'object',
      properties: {
        error: {
          type: 'object',
          properties: { code: { type: 'string' }, message: { type: 'string' }, details: {} },
        },
      },
    },
  },
};
const signedParameters = ['msg_signature', 'timestamp', 'nonce'].map((name) => ({
  name,
  in: 'query',
  required: true,
  schema: { type: 'string' },
}));

/** The callback routes as OpenAPI path items (plain Koa routes answering in WeCom's format). */
export const wecomCallbackOpenApiPaths: Record<string, Record<string, unknown>> = {
  [WECOM_CALLBACK_PATH]: {
    get: {
      summary: 'WeCom callback URL verification: verifies msg_signature, answers the decrypted echostr',
      tags: ['wecom'],
      operationId: 'getApiWecomCallback',
      security: [],
      parameters: [...signedParameters, { name: 'echostr', in: 'query', required: true, schema: { type: 'string' } }],
      responses: {
        '200': { description: 'The decrypted echostr', content: { 'text/plain': { schema: { type: 'string' } } } },
        '400': { description: 'Missing parameter or undecryptable echostr', content: errorContent },
        '401': { description: 'msg_signature does not verify (CALLBACK_SIGNATURE_INVALID)', content: errorContent },
      },
    },
    post: {
      summary:
        'WeCom callback event (e.g. change_external_contact): verified, decrypted, queued once however often it is delivered',
      tags: ['wecom'],
      operationId: 'postApiWecomCallback',
      security: [],
      parameters: signedParameters,
      requestBody: {
        required: true,
        content: {
          'text/xml': {
            schema: {
              type: 'string',
              description: '<xml><ToUserName/><Encrypt/><AgentID/></xml>',
            },
          },
        },
      },
      responses: {
        '200': {
          description: 'Stored (or already stored): `success`',
          content: { 'text/plain': { schema: { type: 'string', enum: ['success'] } } },
        },
        '400': { description: 'Not WeCom XML, or undecryptable (CALLBACK_INVALID)', content: errorContent },
        '401': { description: 'msg_signature does not verify (CALLBACK_SIGNATURE_INVALID)', content: errorContent },
      },
    },
  },
};
