import 'koa';

declare module 'koa' {
  interface Request {
    /** The parsed JSON body (see jsonBody); the exact bytes are in ctx.state.rawBody. */
    body?: unknown;
  }
}
