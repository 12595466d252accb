/** The Koa application factory. Importing this module starts nothing; `createApp` returns an app to mount. */
import { existsSync } from 'node:fs';
import Koa from 'koa';
import cors from '@koa/cors';
import mount from 'koa-mount';
import serve from 'koa-static';
import { z } from 'zod';
import { HealthStatus } from '@careloop/shared';
import type { AppDeps } from './deps';
import { AppError } from './http/errors';
import { errorHandler, jsonBody, methodOverride, requestContext, securityHeaders } from './http/middleware';
import { buildRouter, defineRoute, openApiDocument, type RouteDefinition } from './http/routes';
import { pingDatabase } from './db/connection';
import { authRoutes } from './auth/routes';
import { identityRoutes } from './identity/routes';
import { resolveCustomerId } from './identity/merge';
import { tagRoutes } from './tags/routes';
import { tagWecomSyncRoutes } from './tags/wecomSyncRoutes';
import { appointmentRoutes } from './appointments/routes';
import { subscriptionRoutes } from './subscriptions/routes';
import { staffRoutes } from './staff/routes';
import { eventRoutes } from './events/routes';
import { consentRoutes } from './consent/routes';
import { privacyRoutes } from './privacy/routes';
import { auditRoutes } from './audit/routes';
import { platformRoutes } from './platform/routes';
import { sandboxControlRoutes, sandboxPlatformRouter } from './platform/sandbox/routes';
import { sandboxPayControlRoutes, sandboxPayRouter } from './platform/sandbox/payRoutes';
import { paymentRoutes } from './payments/routes';
import { payNotifyOpenApiPaths, payNotifyRouter } from './payments/notify';
import { contentRoutes } from './content/routes';
import { wecomCallbackOpenApiPaths, wecomCallbackRouter } from './platform/wecom/callbacks';
import { wecomCallbackHandlers } from './wecomCallbackHandlers';
import { sandboxUploadRouter } from './platform/sandbox/wecomRoutes';
import { couponRoutes } from './coupons/routes';
import { campaignRoutes } from './campaigns/routes';
import { meetingRoutes } from './meetings/routes';
import { journeyRoutes } from './journeys/routes';
import { sandboxSmsControlRoutes } from './platform/sms/routes';
import { sandboxSmsRouter } from './platform/sandbox/smsRoutes';
import { taskRoutes } from './tasks/routes';

export interface StaticApps {
  /** The mini-program's H5 build, served at /m/. */
  miniappH5?: string;
  /** The WeCom sidebar and workbench build, served at /wecom/. */
  wecom?: string;
}

function systemRoutes(getRoutes: () => RouteDefinition[]) {
  return [
    defineRoute({
      method: 'get',
      path: '/healthz',
      summary: 'Liveness with a database ping',
      tag: 'system',
      access: 'public',
      response: HealthStatus,
      handler: async () => {
        if (!(await pingDatabase())) throw new AppError('DATABASE_UNAVAILABLE', 'The database does not answer');
        return { status: 'ok' as const, database: 'ok' as const };
      },
    }),
    defineRoute({
      method: 'get',
      path: '/openapi.json',
      summary: 'This OpenAPI document',
      tag: 'system',
      access: 'public',
      response: z.record(z.string(), z.unknown()),
      handler: async () =>
        openApiDocument(
          getRoutes(),
          { title: 'CareLoop API', version: '0.1.0' },
          { ...payNotifyOpenApiPaths, ...wecomCallbackOpenApiPaths },
        ),
    }),
  ];
}

export function allRoutes(deps: AppDeps): RouteDefinition[] {
  const routes = [
    ...authRoutes(deps),
    ...identityRoutes(deps),
    // Before tagRoutes: its /api/staff/tags/:tagId would take /api/staff/tags/wecom-sync.
    ...tagWecomSyncRoutes(deps),
    ...tagRoutes(),
    ...appointmentRoutes(),
    ...subscriptionRoutes(deps),
    ...staffRoutes(),
    ...eventRoutes(),
    ...consentRoutes(deps),
    ...privacyRoutes(),
    ...auditRoutes(),
    ...platformRoutes(deps),
    ...(deps.config.sandbox ? sandboxControlRoutes(deps.config) : []),
    ...paymentRoutes(),
    ...(deps.config.pay.sandbox ? sandboxPayControlRoutes(deps.config) : []),
    ...contentRoutes(deps),
    ...couponRoutes(),
    ...campaignRoutes(deps),
    ...meetingRoutes(deps),
    ...journeyRoutes(),
    ...(deps.config.sandbox ? sandboxSmsControlRoutes() : []),
    ...taskRoutes(deps),
  ];
  const documented: RouteDefinition[] = [...systemRoutes(() => documented), ...routes];
  return documented;
}

function serveApp(prefix: string, dir: string | undefined): Koa.Middleware {
  const app = new Koa();
  if (dir && existsSync(dir)) app.use(serve(dir, { index: 'index.html', maxage: 0 }));
  app.use((ctx) => {
    throw new AppError('NOT_FOUND', `Nothing at ${prefix}${ctx.path}${dir ? '' : ' (this app is not built)'}`);
  });
  return mount(prefix, app);
}

export function createApp(deps: AppDeps, staticApps: StaticApps = {}): Koa {
  const { config } = deps;
  const app = new Koa({ proxy: false });
  const routes = allRoutes(deps);
  const router = buildRouter(routes, { jwtSecret: config.auth.jwtSecret, currentCustomerId: resolveCustomerId });

  app.use(requestContext(deps.logger));
  app.use(errorHandler());
  app.use(securityHeaders());
  app.use(
    cors({
      origin: (ctx) => {
        const origin = ctx.get('origin');
        return config.corsOrigins.includes(origin) ? origin : '';
      },
      allowHeaders: ['authorization', 'content-type', 'x-request-id', 'x-http-method-override', 'x-careloop-surface'],
      exposeHeaders: ['x-request-id'],
      maxAge: 600,
    }),
  );
  app.use(methodOverride());
  // WeCom posts XML to its callback URL and media uploads are multipart: these read their own bodies.
  app.use(wecomCallbackRouter(deps, wecomCallbackHandlers).routes());
  if (config.sandbox) app.use(sandboxUploadRouter(config).routes());
  // The emulated Aliyun SMS endpoint takes forms (GET or POST), like dysmsapi.aliyuncs.com.
  if (config.sandbox) app.use(sandboxSmsRouter().routes());
  app.use((ctx, next) =>
    ctx.path.startsWith('/api/') || ctx.path.startsWith('/sandbox/')
      ? jsonBody(config.bodyLimitBytes)(ctx, next)
      : next(),
  );
  app.use(router.routes());
  app.use(
    router.allowedMethods({
      throw: true,
      methodNotAllowed: () => new AppError('METHOD_NOT_ALLOWED', 'Method not allowed'),
    }),
  );
  // WeChat Pay's notifications answer in WeChat Pay's format, so they are not defineRoute routes.
  app.use(payNotifyRouter(deps).routes());
  if (config.sandbox) {
    const sandbox = sandboxPlatformRouter(config);
    app.use(sandbox.routes());
  }
  if (config.pay.sandbox) app.use(sandboxPayRouter(config).routes());
  app.use((ctx, next) => {
    if (ctx.path === '/m' || ctx.path === '/wecom') return ctx.redirect(ctx.path + '/');
    return next();
  });
  app.use(serveApp('/m', staticApps.miniappH5));
  app.use(serveApp('/wecom', staticApps.wecom));
  // Answered rather than thrown, so allowedMethods (upstream) can still turn a wrong method into 405.
  app.use((ctx) => {
    ctx.status = 404;
    ctx.body = { error: { code: 'NOT_FOUND', message: `No route for ${ctx.method} ${ctx.path}` } };
  });
  return app;
}
