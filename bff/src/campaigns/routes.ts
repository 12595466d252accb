import { z } from 'zod';
import {
  Campaign,
  CampaignDailyResults,
  CampaignKeyParams,
  CampaignLanding,
  CampaignList,
  CampaignParams,
  CampaignResultsReport,
  Channel,
  ChannelList,
  ClaimCouponRequest,
  Coupon,
  CreateCampaignRequest,
  CreateChannelRequest,
  CustomerAttribution,
  CustomerIdParams,
  ObjectId,
  ReportScanRequest,
  ReportScanResult,
  UpdateCampaignRequest,
  UpdateChannelRequest,
} from '@careloop/shared';
import type { AppDeps } from '../deps';
import { ALL_STAFF, MANAGERS, type CustomerAuth } from '../auth/middleware';
import { defineRoute } from '../http/routes';
import { AppError } from '../http/errors';
import { auditStaffAccess } from '../audit/service';
import { getCustomer } from '../identity/service';
import { claimCoupon } from '../coupons/service';
import { createChannel, getChannel, listChannels, updateChannel } from './channels';
import {
  assertCampaignActive,
  campaignLanding,
  createCampaign,
  findCampaignByKey,
  generateCampaignCodes,
  getCampaign,
  listCampaigns,
  miniProgramCodeImage,
  updateCampaign,
} from './service';
import { customerAttribution, hasTouched, recordTouch } from './attribution';
import { campaignDailyResults, campaignResultsReport } from './stats';

const ChannelParams = z.strictObject({ id: ObjectId });
const CodeImage = z.instanceof(Buffer).meta({ description: 'The code image (image/png)' });

/** The touch of one page open's scan, the same for its scan report and for a claim that carries the report. */
const scanSourceId = (auth: CustomerAuth, scanId: string) => `scan:${auth.signedInAs ?? auth.id}:${scanId}`;

export function campaignRoutes(deps: AppDeps) {
  const tag = 'campaigns';
  const publicUrl = deps.config.publicUrl;
  return [
    // Channels
    defineRoute({
      method: 'get',
      path: '/api/staff/channels',
      summary: 'The organisation’s channels (where QR codes are shown), archived last',
      tag,
      access: ALL_STAFF,
      response: ChannelList,
      handler: async ({ auth }) => ({ items: await listChannels(auth.organisationId) }),
    }),
    defineRoute({
      method: 'post',
      path: '/api/staff/channels',
      summary: 'Add a channel (names are unique in the organisation)',
      tag,
      access: MANAGERS,
      body: CreateChannelRequest,
      response: Channel,
      status: 201,
      handler: ({ auth, body }) => createChannel(auth.organisationId, body),
    }),
    defineRoute({
      method: 'patch',
      path: '/api/staff/channels/:id',
      summary: 'Rename, describe or archive a channel (an archived channel takes no new campaigns)',
      tag,
      access: MANAGERS,
      params: ChannelParams,
      body: UpdateChannelRequest,
      response: Channel,
      handler: async ({ auth, params, body }) => {
        await getChannel(auth.organisationId, params.id);
        return updateChannel(auth.organisationId, params.id, body);
      },
    }),

    // Campaigns (`results` before `:id`, which would take it for an id)
    defineRoute({
      method: 'get',
      path: '/api/staff/campaigns/results',
      summary: 'Results per campaign and per channel: counters, cost per new customer and per arrival',
      tag,
      access: MANAGERS,
      response: CampaignResultsReport,
      handler: ({ auth }) => campaignResultsReport(auth.organisationId),
    }),
    defineRoute({
      method: 'get',
      path: '/api/staff/campaigns',
      summary: 'The organisation’s campaigns, newest first',
      tag,
      access: MANAGERS,
      response: CampaignList,
      handler: async ({ auth }) => ({ items: await listCampaigns(auth.organisationId, publicUrl) }),
    }),
    defineRoute({
      method: 'post',
      path: '/api/staff/campaigns',
      summary: 'Create a campaign; its codes are generated once now (a failed one can be retried)',
      tag,
      access: MANAGERS,
      body: CreateCampaignRequest,
      response: Campaign,
      status: 201,
      handler: ({ auth, body }) => createCampaign(deps, auth.organisationId, auth.id, body),
    }),
    defineRoute({
      method: 'get',
      path: '/api/staff/campaigns/:id',
      summary: 'One campaign with its codes',
      tag,
      access: MANAGERS,
      params: CampaignParams,
      response: Campaign,
      handler: ({ auth, params }) => getCampaign(auth.organisationId, params.id, publicUrl),
    }),
    defineRoute({
      method: 'patch',
      path: '/api/staff/campaigns/:id',
      summary: 'Edit a campaign; `end: true` ends it now (its contact-me code is deleted at WeCom)',
      tag,
      access: MANAGERS,
      params: CampaignParams,
      body: UpdateCampaignRequest,
      response: Campaign,
      handler: ({ auth, params, body }) => updateCampaign(deps, auth.organisationId, params.id, body),
    }),
    defineRoute({
      method: 'post',
      path: '/api/staff/campaigns/:id/codes/retry',
      summary: 'Generate the codes that are still missing (after a failure); a generated code is never redone',
      tag,
      access: MANAGERS,
      params: CampaignParams,
      response: Campaign,
      handler: async ({ auth, params }) => {
        await generateCampaignCodes(deps, auth.organisationId, params.id);
        return getCampaign(auth.organisationId, params.id, publicUrl);
      },
    }),
    defineRoute({
      method: 'get',
      path: '/api/staff/campaigns/:id/codes/mini-program.png',
      summary: 'The stored mini-program code image, as a download',
      tag,
      access: ALL_STAFF,
      params: CampaignParams,
      response: CodeImage,
      handler: async ({ auth, params, ctx }) => {
        const image = await miniProgramCodeImage(auth.organisationId, params.id);
        ctx.type = image.contentType;
        ctx.set('content-disposition', `attachment; filename="${image.filename}"`);
        ctx.set('cache-control', 'private, max-age=3600');
        return image.bytes;
      },
    }),
    defineRoute({
      method: 'get',
      path: '/api/staff/campaigns/:id/results/daily',
      summary: 'Scans, claims and redemptions per day (the organisation’s calendar), the last 30 days',
      tag,
      access: MANAGERS,
      params: CampaignParams,
      response: CampaignDailyResults,
      handler: ({ auth, params }) => campaignDailyResults(auth.organisationId, params.id),
    }),
    defineRoute({
      method: 'get',
      path: '/api/staff/customers/:id/attribution',
      summary: 'The campaigns that first and last reached a customer (the view is audited)',
      tag,
      access: ALL_STAFF,
      params: CustomerIdParams,
      response: CustomerAttribution,
      handler: async ({ auth, params, ctx }) => {
        const customer = await getCustomer(auth.organisationId, params.id);
        await auditStaffAccess(ctx, auth, 'customer.attribution_viewed', customer.id);
        return customerAttribution(auth.organisationId, customer.id);
      },
    }),

    // The mini-program's landing page
    defineRoute({
      method: 'get',
      path: '/api/mp/campaigns/:key',
      summary: 'A campaign’s landing page for me, with its coupon and whether I can claim it',
      tag,
      access: 'customer',
      params: CampaignKeyParams,
      response: CampaignLanding,
      handler: ({ auth, params }) => campaignLanding(auth.organisationId, params.key, auth.id),
    }),
    defineRoute({
      method: 'post',
      path: '/api/mp/campaigns/:key/scan',
      summary: 'Report that I opened the campaign (once per page open; a retried report counts once)',
      tag,
      access: 'customer',
      params: CampaignKeyParams,
      body: ReportScanRequest,
      response: ReportScanResult,
      handler: async ({ auth, params, body }) => {
        const campaign = await findCampaignByKey(auth.organisationId, params.key);
        assertCampaignActive(campaign);
        return recordTouch({
          organisationId: auth.organisationId,
          customerId: auth.id,
          campaign,
          via: body.via,
          sourceId: scanSourceId(auth, body.scanId),
        });
      },
    }),
    defineRoute({
      method: 'post',
      path: '/api/mp/campaigns/:key/claim',
      summary:
        'Claim the campaign’s coupon (retry with the same requestId for the same coupon); `scan` counts as the page’s scan report',
      tag,
      access: 'customer',
      params: CampaignKeyParams,
      body: ClaimCouponRequest,
      response: Coupon,
      status: 201,
      handler: async ({ auth, params, body }) => {
        const campaign = await findCampaignByKey(auth.organisationId, params.key);
        assertCampaignActive(campaign);
        if (!campaign.couponTemplateId) throw new AppError('NOT_FOUND', 'This campaign offers no coupon');
        if (body.scan) {
          // The page's scan report, sent again: the same touch as the report's (its sourceId), stored once whichever
          // of the two arrives first, so a claim overtaking its report counts no second scan.
          await recordTouch({
            organisationId: auth.organisationId,
            customerId: auth.id,
            campaign,
            via: body.scan.via,
            sourceId: scanSourceId(auth, body.scan.scanId),
          });
        } else if (!(await hasTouched(auth.organisationId, auth.id, campaign._id))) {
          // A claim reaches the customer like a scan when no touch of this campaign was reported.
          await recordTouch({
            organisationId: auth.organisationId,
            customerId: auth.id,
            campaign,
            via: 'link',
            sourceId: `claim:${auth.signedInAs ?? auth.id}:${body.requestId}`,
          });
        }
        return claimCoupon({
          organisationId: auth.organisationId,
          templateId: String(campaign.couponTemplateId),
          customerId: auth.id,
          campaignId: String(campaign._id),
          requestId: body.requestId,
        });
      },
    }),
  ];
}
