/**
 * Routes of the WeCom corp-tag sync (wecomSync.ts), for managers: which library tags are mirrored, how the sync
 * stands (with its errors), sending failed work again, and what WeCom's tag library holds.
 *
 * Registered before tagRoutes in app.ts: `/api/staff/tags/wecom-sync` and `/api/staff/tags/wecom-corp-tags` would
 * otherwise be taken for `/api/staff/tags/:tagId`.
 */
import {
  TagIdParams,
  WecomCorpTagList,
  WecomSyncRetryResult,
  WecomSyncStatus,
  WecomTagMirror,
  WecomTagMirrorRequest,
} from '@careloop/shared';
import type { AppDeps } from '../deps';
import { MANAGERS } from '../auth/middleware';
import { defineRoute } from '../http/routes';
import { retryFailedTagMarks, setWecomMirror, startWecomTagSync, wecomCorpTags, wecomSyncStatus } from './wecomSync';

export function tagWecomSyncRoutes(deps: AppDeps) {
  // The sync's fast path and job send through this server's WeCom client.
  startWecomTagSync(deps);
  const tag = 'tags';
  return [
    defineRoute({
      method: 'get',
      path: '/api/staff/tags/wecom-sync',
      summary: 'WeCom corp-tag sync: mirrored tags and their WeCom tags, pending and failed mark_tag work, last errors',
      tag,
      access: MANAGERS,
      response: WecomSyncStatus,
      handler: ({ auth }) => wecomSyncStatus(auth.organisationId),
    }),
    defineRoute({
      method: 'post',
      path: '/api/staff/tags/wecom-sync/retry',
      summary: 'Send failed WeCom tag marks again (they start a fresh count of attempts)',
      tag,
      access: MANAGERS,
      response: WecomSyncRetryResult,
      handler: async ({ auth }) => ({ retried: await retryFailedTagMarks(auth.organisationId) }),
    }),
    defineRoute({
      method: 'get',
      path: '/api/staff/tags/wecom-corp-tags',
      summary: "WeCom's customer tag library as it is now, with what CareLoop created (the rest is never changed)",
      tag,
      access: MANAGERS,
      response: WecomCorpTagList,
      handler: ({ auth }) => wecomCorpTags(auth.organisationId),
    }),
    defineRoute({
      method: 'put',
      path: '/api/staff/tags/:tagId/wecom-sync',
      summary: 'Mirror a library tag to WeCom or stop (on: customers who carry it already are marked too)',
      tag,
      access: MANAGERS,
      params: TagIdParams,
      body: WecomTagMirrorRequest,
      response: WecomTagMirror,
      handler: ({ auth, params, body }) => setWecomMirror(auth.organisationId, params.tagId, body.mirror),
    }),
  ];
}
