/**
 * Every API route is declared once, as data: method, path, who may call it, and the zod schemas of its params,
 * query, body and response. From that one declaration come the Koa route with its validation and the OpenAPI
 * document, so the document covers every route by construction.
 */
import Router from '@koa/router';
import type { Context } from 'koa';
import { z } from 'zod';
import { ErrorBody, type StaffRole } from '@careloop/shared';
import { AppError } from './errors';
import { authenticate, type CustomerAuth, type StaffAuth } from '../auth/middleware';
import type { Subject } from '../auth/tokens';

type Access = 'public' | 'customer' | { staff: readonly StaffRole[] };
type AuthFor<A extends Access> = A extends 'public' ? null : A extends 'customer' ? CustomerAuth : StaffAuth;

type Schema = z.ZodType;
type Infer<S> = S extends z.ZodType ? z.output<S> : undefined;

export interface RouteInput<A extends Access, P, Q, B> {
  ctx: Context;
  auth: AuthFor<A>;
  params: Infer<P>;
  query: Infer<Q>;
  body: Infer<B>;
}

export interface RouteDefinition<
  A extends Access = Access,
  P extends Schema | undefined = Schema | undefined,
  Q extends Schema | undefined = Schema | undefined,
  B extends Schema | undefined = Schema | undefined,
  R extends Schema | undefined = Schema | undefined,
> {
  method: 'get' | 'post' | 'patch' | 'put' | 'delete';
  path: string;
  summary: string;
  tag: string;
  access: A;
  params?: P;
  query?: Q;
  body?: B;
  /** The 2xx body; undefined means 204 No Content. */
  response?: R;
  status?: number;
  handler: (input: RouteInput<A, P, Q, B>) => Promise<R extends Schema ? z.input<R> : void>;
}

/** Declares a route; the generic parameters make the handler's input and output follow the schemas. */
export function defineRoute<
  A extends Access,
  P extends Schema | undefined = undefined,
  Q extends Schema | undefined = undefined,
  B extends Schema | undefined = undefined,
  R extends Schema | undefined = undefined,
>(definition: RouteDefinition<A, P, Q, B, R>): RouteDefinition {
  return definition as unknown as RouteDefinition;
}

function validate(schema: Schema | undefined, value: unknown, where: string): unknown {
  if (!schema) return undefined;
  const result = schema.safeParse(value);
  if (!result.success) {
    throw new AppError(
      'VALIDATION_FAILED',
      `Invalid ${where}`,
      result.error.issues.map((issue) => ({
        in: where,
        path: issue.path.join('.'),
        code: issue.code,
        message: issue.message,
      })),
    );
  }
  return result.data;
}

export interface RouterOptions {
  jwtSecret: string;
  /** The profile a customer id stands for now (a merged profile's id resolves to the survivor). */
  currentCustomerId: (organisationId: string, customerId: string) => Promise<string>;
}

export function buildRouter(routes: readonly RouteDefinition[], options: RouterOptions): Router {
  const router = new Router();
  for (const route of routes) {
    router[route.method](route.path, async (ctx) => {
      let auth: Subject | CustomerAuth | null = authenticate(ctx, route.access, options.jwtSecret);
      // A session opened before a merge acts for the surviving profile, so no customer route writes to a
      // merged-away one.
      if (auth?.kind === 'customer') {
        auth = { ...auth, signedInAs: auth.id, id: await options.currentCustomerId(auth.organisationId, auth.id) };
      }
      const params = validate(route.params, ctx.params, 'path');
      const query = validate(route.query, { ...ctx.query }, 'query');
      const body = validate(route.body, ctx.request.body ?? {}, 'body');
      const result = await route.handler({ ctx, auth, params, query, body } as never);
      if (route.response) {
        ctx.status = route.status ?? 200;
        ctx.body = result;
      } else {
        ctx.status = 204;
      }
    });
  }
  return router;
}

function jsonSchema(schema: Schema, io: 'input' | 'output') {
  return z.toJSONSchema(schema, { io, unrepresentable: 'any', target: 'openapi-3.0' });
}

/** The OpenAPI 3 document of the given routes, generated from the same schemas that validate them. */
export function openApiDocument(
  routes: readonly RouteDefinition[],
  info: { title: string; version: string },
  /** Path items of routes that cannot be declared with defineRoute (e.g. ones answering a platform's format). */
  otherPaths: Record<string, Record<string, unknown>> = {},
) {
  const paths: Record<string, Record<string, unknown>> = { ...otherPaths };
  for (const route of routes) {
    const path = route.path.replace(/:([A-Za-z0-9_]+)/g, '{$1}');
    const parameters: unknown[] = [];
    for (const [location, schema] of [
      ['path', route.params],
      ['query', route.query],
    ] as const) {
      if (!schema) continue;
      const object = jsonSchema(schema, 'input') as { properties?: Record<string, unknown>; required?: string[] };
      for (const [name, property] of Object.entries(object.properties ?? {})) {
        parameters.push({
          name,
          in: location,
          required: location === 'path' || (object.required ?? []).includes(name),
          schema: property,
        });
      }
    }
    const responses: Record<string, unknown> = {};
    const status = String(route.response ? (route.status ?? 200) : 204);
    responses[status] = route.response
      ? { description: 'OK', content: { 'application/json': { schema: jsonSchema(route.response, 'output') } } }
      : { description: 'No content' };
    const errorContent = { 'application/json': { schema: jsonSchema(ErrorBody, 'output') } };
    responses['4XX'] = { description: 'Client error: see `error.code`', content: errorContent };
    responses['5XX'] = { description: 'Server or upstream error', content: errorContent };
    paths[path] ??= {};
    paths[path][route.method] = {
      summary: route.summary,
      tags: [route.tag],
      operationId: `${route.method}${route.path.replace(/[^A-Za-z0-9]+(.)?/g, (_, c: string | undefined) => (c ?? '').toUpperCase())}`,
      security: route.access === 'public' ? [] : [{ bearer: [] }],
      ...(route.access !== 'public' && {
        'x-access': route.access === 'customer' ? 'customer' : { staffRoles: route.access.staff },
      }),
      parameters,
      ...(route.body && {
        requestBody: {
          required: true,
          content: { 'application/json': { schema: jsonSchema(route.body, 'input') } },
        },
      }),
      responses,
    };
  }
  return {
    openapi: '3.0.3',
    info,
    components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' } } },
    paths,
  };
}
