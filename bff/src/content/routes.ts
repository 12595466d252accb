import {
  ContentCategoryList,
  ContentDetail,
  ContentFeed,
  ContentFeedQuery,
  ContentParams,
  ContentResults,
  ContentResultsQuery,
  ContentReviewRequest,
  ContentSettings,
  ContentVersion,
  ContentVersionList,
  ContentVersionParams,
  CreateContentRequest,
  CustomerIdParams,
  CustomerReading,
  CustomerShare,
  CustomerShareRequest,
  FinishReadRequest,
  OpenReadRequest,
  ReadHeartbeatRequest,
  ReadParams,
  ReadProgress,
  ShareLeaderboard,
  ShareLeaderboardQuery,
  StaffContent,
  StaffContentPage,
  StaffContentQuery,
  StaffShare,
  StaffShareRequest,
  UpdateContentRequest,
} from '@careloop/shared';
import type { AppDeps } from '../deps';
import { ALL_STAFF, MANAGERS } from '../auth/middleware';
import { defineRoute } from '../http/routes';
import { auditStaffAccess } from '../audit/service';
import { getCustomer } from '../identity/service';
import { assertNotErased } from '../privacy/service';
import {
  archiveContent,
  createContent,
  describeDetail,
  getStaffContent,
  getVersion,
  listCategories,
  listFeed,
  listStaffContent,
  listVersions,
  publishContent,
  readableContent,
  reviewContent,
  submitContent,
  updateContent,
} from './service';
import { customerReading, finishRead, heartbeat, openRead, shareByCustomer, shareByStaff } from './tracking';
import { contentResults, getContentSettings, setContentSettings, shareLeaderboard } from './results';

/**
 * Content routes. Static staff paths (share-leaderboard, settings) are declared before `/:id` ones, which would
 * otherwise take them.
 */
export function contentRoutes({ config }: Pick<AppDeps, 'config'>) {
  const tag = 'content';
  return [
    // --- mini-program ---------------------------------------------------------------------------------------
    defineRoute({
      method: 'get',
      path: '/api/mp/content',
      summary: 'Published content I may see, newest first, by category (HCP-only items only for verified HCPs)',
      tag,
      access: 'customer',
      query: ContentFeedQuery,
      response: ContentFeed,
      handler: ({ auth, query }) => listFeed(auth.organisationId, auth.id, query),
    }),
    defineRoute({
      method: 'get',
      path: '/api/mp/content/categories',
      summary: 'Categories of the content I may see, with counts',
      tag,
      access: 'customer',
      response: ContentCategoryList,
      handler: ({ auth }) => listCategories(auth.organisationId, auth.id),
    }),
    defineRoute({
      method: 'get',
      path: '/api/mp/content/:id',
      summary: 'One published item; HCP_ONLY unless I am a verified HCP when it is for HCPs',
      tag,
      access: 'customer',
      params: ContentParams,
      response: ContentDetail,
      handler: async ({ auth, params }) =>
        describeDetail(await readableContent(auth.organisationId, auth.id, params.id)),
    }),
    defineRoute({
      method: 'post',
      path: '/api/mp/content/:id/read',
      summary: 'Start reading (returns the readId for heartbeats); a share token attributes me to its sharer',
      tag,
      access: 'customer',
      params: ContentParams,
      body: OpenReadRequest,
      response: ReadProgress,
      status: 201,
      handler: async ({ auth, params, body }) => {
        // An erased customer's access token may outlive the erasure: nothing of theirs is recorded again.
        await assertNotErased(auth.organisationId, auth.id);
        return openRead({
          organisationId: auth.organisationId,
          customerId: auth.id,
          sessionCustomerId: auth.signedInAs ?? auth.id,
          contentId: params.id,
          requestId: body.requestId,
          shareToken: body.shareToken,
        });
      },
    }),
    defineRoute({
      method: 'post',
      path: '/api/mp/content/:id/read/:readId/heartbeat',
      summary: 'While the page is visible: seconds since the last beat (bounded by the server) and scroll depth',
      tag,
      access: 'customer',
      params: ReadParams,
      body: ReadHeartbeatRequest,
      response: ReadProgress,
      handler: ({ auth, params, body }) =>
        heartbeat({
          organisationId: auth.organisationId,
          customerId: auth.id,
          contentId: params.id,
          readId: params.readId,
          seconds: body.seconds,
          scrollPercent: body.scrollPercent,
        }),
    }),
    defineRoute({
      method: 'post',
      path: '/api/mp/content/:id/read/:readId/finish',
      summary: 'I reached the end (a repeat changes nothing)',
      tag,
      access: 'customer',
      params: ReadParams,
      body: FinishReadRequest,
      response: ReadProgress,
      handler: ({ auth, params, body }) =>
        finishRead({
          organisationId: auth.organisationId,
          customerId: auth.id,
          contentId: params.id,
          readId: params.readId,
          seconds: body.seconds,
          scrollPercent: body.scrollPercent,
        }),
    }),
    defineRoute({
      method: 'post',
      path: '/api/mp/content/:id/share',
      summary: 'Share with friends: the path (with my share token) for onShareAppMessage',
      tag,
      access: 'customer',
      params: ContentParams,
      body: CustomerShareRequest,
      response: CustomerShare,
      handler: async ({ auth, params, body }) => {
        await assertNotErased(auth.organisationId, auth.id);
        return shareByCustomer({
          organisationId: auth.organisationId,
          customerId: auth.id,
          contentId: params.id,
          target: body.target,
        });
      },
    }),

    // --- staff: static paths first -----------------------------------------------------------------------------
    defineRoute({
      method: 'get',
      path: '/api/staff/content',
      summary: 'All content of the organisation (any state, any audience), most recently changed first',
      tag,
      access: ALL_STAFF,
      query: StaffContentQuery,
      response: StaffContentPage,
      handler: ({ auth, query }) => listStaffContent(auth.organisationId, query),
    }),
    defineRoute({
      method: 'post',
      path: '/api/staff/content',
      summary: 'Start a draft (any staff member; they become its author); the body is sanitised',
      tag,
      access: ALL_STAFF,
      body: CreateContentRequest,
      response: StaffContent,
      status: 201,
      handler: ({ auth, body }) => createContent(auth, body),
    }),
    defineRoute({
      method: 'get',
      path: '/api/staff/content/share-leaderboard',
      summary: 'Staff sharing (全员营销): per staff member shares, readers reached and new customers brought',
      tag,
      access: ALL_STAFF,
      query: ShareLeaderboardQuery,
      response: ShareLeaderboard,
      handler: ({ auth, query }) => shareLeaderboard(auth.organisationId, query.contentId),
    }),
    defineRoute({
      method: 'get',
      path: '/api/staff/content/settings',
      summary: 'Content settings: the attribution window for readers who later booked',
      tag,
      access: ALL_STAFF,
      response: ContentSettings,
      handler: ({ auth }) => getContentSettings(auth.organisationId),
    }),
    defineRoute({
      method: 'put',
      path: '/api/staff/content/settings',
      summary: 'Change the content settings (managers)',
      tag,
      access: MANAGERS,
      body: ContentSettings,
      response: ContentSettings,
      handler: ({ auth, body }) => setContentSettings(auth.organisationId, body),
    }),
    defineRoute({
      method: 'get',
      path: '/api/staff/customers/:id/content-reading',
      summary: 'A customer’s reading and who brought them through a share (audited)',
      tag,
      access: ALL_STAFF,
      params: CustomerIdParams,
      response: CustomerReading,
      handler: async ({ auth, params, ctx }) => {
        const customer = await getCustomer(auth.organisationId, params.id);
        await auditStaffAccess(ctx, auth, 'customer.content_reading_viewed', customer.id);
        return customerReading(auth.organisationId, customer.id);
      },
    }),

    // --- staff: one item -------------------------------------------------------------------------------------
    defineRoute({
      method: 'get',
      path: '/api/staff/content/:id',
      summary: 'One item for staff: latest version, live version, review record (preview of any audience)',
      tag,
      access: ALL_STAFF,
      params: ContentParams,
      response: StaffContent,
      handler: ({ auth, params }) => getStaffContent(auth, params.id),
    }),
    defineRoute({
      method: 'patch',
      path: '/api/staff/content/:id',
      summary: 'Save a new version on top of baseVersion (managers and the author)',
      tag,
      access: ALL_STAFF,
      params: ContentParams,
      body: UpdateContentRequest,
      response: StaffContent,
      handler: ({ auth, params, body }) => updateContent(auth, params.id, body),
    }),
    defineRoute({
      method: 'post',
      path: '/api/staff/content/:id/submit',
      summary: 'Submit the draft for review (managers and the author)',
      tag,
      access: ALL_STAFF,
      params: ContentParams,
      response: StaffContent,
      handler: ({ auth, params }) => submitContent(auth, params.id),
    }),
    defineRoute({
      method: 'post',
      path: '/api/staff/content/:id/review',
      summary: 'Approve or reject the version under review, with a comment (managers; not one’s own version)',
      tag,
      access: MANAGERS,
      params: ContentParams,
      body: ContentReviewRequest,
      response: StaffContent,
      handler: ({ auth, params, body }) => reviewContent(auth, params.id, body),
    }),
    defineRoute({
      method: 'post',
      path: '/api/staff/content/:id/publish',
      summary: 'Publish the approved version (managers and the author)',
      tag,
      access: ALL_STAFF,
      params: ContentParams,
      response: StaffContent,
      handler: ({ auth, params }) => publishContent(auth, params.id),
    }),
    defineRoute({
      method: 'post',
      path: '/api/staff/content/:id/archive',
      summary: 'Archive: readers no longer see it (managers and the author)',
      tag,
      access: ALL_STAFF,
      params: ContentParams,
      response: StaffContent,
      handler: ({ auth, params }) => archiveContent(auth, params.id),
    }),
    defineRoute({
      method: 'get',
      path: '/api/staff/content/:id/versions',
      summary: 'Version history, newest first',
      tag,
      access: ALL_STAFF,
      params: ContentParams,
      response: ContentVersionList,
      handler: ({ auth, params }) => listVersions(auth.organisationId, params.id),
    }),
    defineRoute({
      method: 'get',
      path: '/api/staff/content/:id/versions/:number',
      summary: 'One saved version',
      tag,
      access: ALL_STAFF,
      params: ContentVersionParams,
      response: ContentVersion,
      handler: ({ auth, params }) => getVersion(auth.organisationId, params.id, params.number),
    }),
    defineRoute({
      method: 'post',
      path: '/api/staff/content/:id/share',
      summary: 'Share published content: my share token and the news / mini-program cards for sendChatMessage',
      tag,
      access: ALL_STAFF,
      params: ContentParams,
      body: StaffShareRequest,
      response: StaffShare,
      handler: async ({ auth, params, body, ctx }) => {
        const customer = body.customerId ? await getCustomer(auth.organisationId, body.customerId) : null;
        const share = await shareByStaff({
          organisationId: auth.organisationId,
          staffId: auth.id,
          contentId: params.id,
          customerId: customer?.id,
          publicUrl: config.publicUrl,
          miniappAppId: config.wechat.appId,
        });
        if (customer) await auditStaffAccess(ctx, auth, 'customer.content_sent', customer.id, { contentId: params.id });
        return share;
      },
    }),
    defineRoute({
      method: 'get',
      path: '/api/staff/content/:id/results',
      summary: 'Reach, unique readers, average dwell, finish rate, shares, readers who booked within the window',
      tag,
      access: ALL_STAFF,
      params: ContentParams,
      query: ContentResultsQuery,
      response: ContentResults,
      handler: ({ auth, params, query }) => contentResults(auth.organisationId, params.id, query.windowDays),
    }),
  ];
}
