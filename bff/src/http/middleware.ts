import { randomUUID } from 'node:crypto';
import type { Context, Next } from 'koa';
import getRawBody from 'raw-body';
import type { Logger } from 'pino';
import { AppError } from './errors';

const REQUEST_ID = /^[A-Za-z0-9._-]{8,128}$/;

/** Gives every request an id (the caller's `X-Request-Id` when well-formed), a child logger and an access log line. */
export function requestContext(logger: Logger) {
  return async (ctx: Context, next: Next) => {
    const incoming = ctx.get('x-request-id');
    const requestId = REQUEST_ID.test(incoming) ? incoming : randomUUID();
    ctx.state.requestId = requestId;
    ctx.state.log = logger.child({ requestId });
    ctx.set('X-Request-Id', requestId);
    const started = performance.now();
    try {
      await next();
    } finally {
      ctx.state.log.info(
        { method: ctx.method, path: ctx.path, status: ctx.status, ms: Math.round(performance.now() - started) },
        'request',
      );
    }
  };
}

/** Turns every thrown error into the one error format; unexpected ones are logged and answered INTERNAL. */
export function errorHandler() {
  return async (ctx: Context, next: Next) => {
    try {
      await next();
    } catch (error) {
      if (error instanceof AppError) {
        ctx.status = error.status;
        ctx.body = { error: { code: error.code, message: error.message, details: error.details } };
        return;
      }
      ctx.state.log?.error({ err: error }, 'unhandled error');
      ctx.status = 500;
      ctx.body = { error: { code: 'INTERNAL', message: 'Internal error' } };
    }
  };
}

/**
 * Reads JSON bodies with a size limit and keeps the exact bytes as `ctx.state.rawBody`
 * (WeChat Pay and WeCom sign the raw body, not a re-serialisation).
 */
export function jsonBody(limitBytes: number) {
  return async (ctx: Context, next: Next) => {
    if (!['POST', 'PUT', 'PATCH', 'DELETE'].includes(ctx.method)) return next();
    const length = ctx.request.length;
    if (length !== undefined && length > limitBytes) {
      throw new AppError('PAYLOAD_TOO_LARGE', `Request body exceeds ${limitBytes} bytes`);
    }
    let raw: string;
    try {
      raw = await getRawBody(ctx.req, { limit: limitBytes, encoding: 'utf8' });
    } catch (error) {
      if ((error as { type?: string }).type === 'entity.too.large') {
        throw new AppError('PAYLOAD_TOO_LARGE', `Request body exceeds ${limitBytes} bytes`);
      }
      throw new AppError('MALFORMED_JSON', 'Request body could not be read');
    }
    ctx.state.rawBody = raw;
    if (raw.length === 0) return next();
    if (!ctx.is('application/json', '+json')) {
      throw new AppError('UNSUPPORTED_MEDIA_TYPE', 'Send the body as application/json');
    }
    try {
      ctx.request.body = JSON.parse(raw);
    } catch {
      throw new AppError('MALFORMED_JSON', 'Request body is not valid JSON');
    }
    return next();
  };
}

const OVERRIDABLE_METHODS = new Set(['PATCH', 'PUT', 'DELETE']);

/**
 * WeChat's wx.request cannot send PATCH, so the mini-program sends POST with `X-HTTP-Method-Override`.
 * Only POST may be overridden, and only into PATCH, PUT or DELETE.
 */
export function methodOverride() {
  return async (ctx: Context, next: Next) => {
    const override = ctx.get('x-http-method-override').toUpperCase();
    if (ctx.method === 'POST' && OVERRIDABLE_METHODS.has(override)) ctx.method = override;
    return next();
  };
}

/** Conservative headers for an API and two single-page apps served from the same origin. */
export function securityHeaders() {
  return async (ctx: Context, next: Next) => {
    await next();
    ctx.set('X-Content-Type-Options', 'nosniff');
    ctx.set('Referrer-Policy', 'no-referrer');
    ctx.set('Cross-Origin-Opener-Policy', 'same-origin');
    ctx.set('Cross-Origin-Resource-Policy', 'same-origin');
    ctx.set('X-Frame-Options', 'SAMEORIGIN');
    if (ctx.path.startsWith('/api/') || ctx.path === '/healthz') ctx.set('Cache-Control', 'no-store');
  };
}
