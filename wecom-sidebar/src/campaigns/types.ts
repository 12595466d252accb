/**
 * The channel and campaign contracts as the WeCom app uses them: types only, inferred from the schemas in
 * `@careloop/shared` (type-only imports, so the page carries no schema code).
 */
import type {
  Campaign,
  CampaignDailyResults as CampaignDailyResultsSchema,
  CampaignResults as CampaignResultsSchema,
  CampaignResultsReport,
  Channel,
  ChannelKind,
  ChannelResults as ChannelResultsSchema,
  CreateCampaignRequest as CreateCampaignRequestSchema,
  CreateChannelRequest as CreateChannelRequestSchema,
  CustomerAttribution,
  StaffMemberSummary,
  UpdateCampaignRequest as UpdateCampaignRequestSchema,
  UpdateChannelRequest as UpdateChannelRequestSchema,
} from '@careloop/shared';
import type { z } from 'zod';

export type { Campaign, CampaignResultsReport, Channel, ChannelKind, CustomerAttribution, StaffMemberSummary };
export type CampaignStatus = Campaign['status'];
export type CampaignTouch = NonNullable<CustomerAttribution['firstTouch']>;
export type CampaignResults = z.infer<typeof CampaignResultsSchema>;
export type ChannelResults = z.infer<typeof ChannelResultsSchema>;
export type CampaignDailyResults = z.infer<typeof CampaignDailyResultsSchema>;
export type CampaignDay = CampaignDailyResults['items'][number];
/** What the page sends (every field given: the forms fill the defaults themselves). */
export type CreateChannelRequest = z.output<typeof CreateChannelRequestSchema>;
export type UpdateChannelRequest = z.output<typeof UpdateChannelRequestSchema>;
export type CreateCampaignRequest = z.output<typeof CreateCampaignRequestSchema>;
export type UpdateCampaignRequest = z.output<typeof UpdateCampaignRequestSchema>;
