/** The BFF routes the WeCom web app uses, over the shared API client. */
import type {
  AppConfig,
  ConsentState,
  Customer360,
  CustomerList,
  CustomerProfile,
  EventType,
  JsSdkSignature,
  SandboxCode,
  SandboxWecomUser,
  StaffLoginResponse,
  StaffProfile,
  TimelinePage,
  UpdateCustomerRequest,
} from '@careloop/shared';
import { ApiError, type ApiClient } from '@careloop/shared/client';
import type {
  Appointment,
  BookableService,
  CancellationResult,
  Clinic,
  CreateScheduleExceptionRequest,
  CreateScheduleTemplateRequest,
  DaySchedule,
  ScheduleException,
  ScheduleTemplate,
} from '../appointments/types';
import type {
  Campaign,
  CampaignDailyResults,
  CampaignResultsReport,
  Channel,
  CreateCampaignRequest,
  CreateChannelRequest,
  CustomerAttribution,
  StaffMemberSummary,
  UpdateCampaignRequest,
  UpdateChannelRequest,
} from '../campaigns/types';
import type {
  Coupon,
  CouponState,
  CouponTemplate,
  CreateCouponTemplateRequest,
  UpdateCouponTemplateRequest,
} from '../coupons/types';

export interface TimelineRequest {
  limit?: number;
  /** `nextCursor` of the previous page. */
  cursor?: string | null;
  /** Only these event types; none or empty: every type. */
  types?: readonly EventType[];
}

export interface RevealedPhone {
  phone: string;
  verified: boolean;
}

/** The query string of a timeline page: `limit`, then `cursor` and `types` when given. */
export function timelineQuery(request: TimelineRequest = {}): string {
  const params = new URLSearchParams();
  params.set('limit', String(request.limit ?? 20));
  if (request.cursor) params.set('cursor', request.cursor);
  if (request.types?.length) params.set('types', request.types.join(','));
  return params.toString();
}

/** The query string of a clinic's day. */
export function scheduleQuery(clinicId: string, date: string): string {
  return new URLSearchParams({ clinicId, date }).toString();
}

export function createCareloopApi(client: ApiClient) {
  const customerPath = (id: string) => `/api/staff/customers/${encodeURIComponent(id)}`;
  const appointmentPath = (id: string) => `/api/staff/appointments/${encodeURIComponent(id)}`;
  const channelPath = (id: string) => `/api/staff/channels/${encodeURIComponent(id)}`;
  const couponTemplatePath = (id: string) => `/api/staff/coupon-templates/${encodeURIComponent(id)}`;
  const campaignPath = (id: string) => `/api/staff/campaigns/${encodeURIComponent(id)}`;
  return {
    appConfig: () => client.publicRequest<AppConfig>('GET', '/api/app-config'),
    staffSignIn: (code: string) => client.publicRequest<StaffLoginResponse>('POST', '/api/staff/auth/wecom', { code }),
    logout: (refreshToken: string) => client.publicRequest<unknown>('POST', '/api/auth/logout', { refreshToken }),
    me: () => client.get<StaffProfile>('/api/staff/me'),
    jsSignature: (url: string, type: 'config' | 'agentConfig') =>
      client.post<JsSdkSignature>('/api/staff/wecom/js-signature', { url, type }),
    searchCustomers: (q: string, limit = 20) => {
      const params = new URLSearchParams();
      if (q.trim()) params.set('q', q.trim());
      params.set('limit', String(limit));
      return client.get<CustomerList>(`/api/staff/customers?${params.toString()}`);
    },
    customer: (id: string) => client.get<CustomerProfile>(customerPath(id)),
    /** The 360° profile: everything the sidebar's header, tags, consent and duplicate banner show, in one answer. */
    profile: (id: string) => client.get<Customer360>(`${customerPath(id)}/profile`),
    timeline: (id: string, request: TimelineRequest = {}) =>
      client.get<TimelinePage>(`${customerPath(id)}/timeline?${timelineQuery(request)}`),
    updateCustomer: (id: string, changes: UpdateCustomerRequest) =>
      client.patch<CustomerProfile>(customerPath(id), changes),
    verifyHcp: (id: string, decision: 'verified' | 'rejected', evidence: string) =>
      client.post<CustomerProfile>(`${customerPath(id)}/hcp-verification`, { decision, evidence }),
    /** The full number (managers and admins); the BFF audits every reveal. */
    revealPhone: (id: string) => client.post<RevealedPhone>(`${customerPath(id)}/phone/reveal`),
    addTag: (id: string, name: string) => client.post<void>(`${customerPath(id)}/tags`, { name }),
    removeTag: (id: string, name: string) =>
      client.request<void>('DELETE', `${customerPath(id)}/tags/${encodeURIComponent(name)}`),
    /** Confirm merges the two profiles and answers the survivor's id; dismiss answers null. */
    decideDuplicate: (suggestionId: string, decision: 'confirm' | 'dismiss') =>
      client.post<{ survivorId: string | null }>(`/api/staff/duplicates/${encodeURIComponent(suggestionId)}/decision`, {
        decision,
      }),
    /** The customer asked (e.g. in the chat) to receive no more marketing; takes effect at once. */
    withdrawMarketing: (id: string) => client.post<ConsentState>(`${customerPath(id)}/consent/withdraw-marketing`),
    /** The customer's appointments: upcoming first (soonest first), then past ones (latest first). */
    customerAppointments: async (id: string) =>
      (await client.get<{ items: Appointment[] }>(`${customerPath(id)}/appointments`)).items,
    markArrived: (appointmentId: string) => client.post<Appointment>(`${appointmentPath(appointmentId)}/arrive`),
    /** Arrival by the code in the patient's appointment QR. */
    checkIn: (code: string) => client.post<Appointment>('/api/staff/appointments/check-in', { code }),
    markNoShow: (appointmentId: string) => client.post<Appointment>(`${appointmentPath(appointmentId)}/no-show`),
    /** The deposit is refunded by the service's rule; `refundFen` says how much. */
    cancelAppointment: (appointmentId: string) =>
      client.post<CancellationResult>(`${appointmentPath(appointmentId)}/cancel`),
    daySchedule: (clinicId: string, date: string) =>
      client.get<DaySchedule>(`/api/staff/schedule?${scheduleQuery(clinicId, date)}`),
    clinics: async () => (await client.get<{ items: Clinic[] }>('/api/staff/clinics')).items,
    services: async () => (await client.get<{ items: BookableService[] }>('/api/staff/services')).items,
    scheduleTemplates: async (clinicId: string) =>
      (
        await client.get<{ items: ScheduleTemplate[] }>(
          `/api/staff/schedule-templates?${new URLSearchParams({ clinicId }).toString()}`,
        )
      ).items,
    /** Managers and admins. */
    createScheduleTemplate: (request: CreateScheduleTemplateRequest) =>
      client.post<ScheduleTemplate>('/api/staff/schedule-templates', request),
    /** Managers and admins: close a clinic (doctorStaffId null) or one doctor on a date. */
    createScheduleException: (request: CreateScheduleExceptionRequest) =>
      client.post<ScheduleException>('/api/staff/schedule-exceptions', request),
    /** The customer with this WeCom external contact, or null when nobody in the organisation has it. */
    customerByExternalUserId: async (externalUserId: string) => {
      try {
        return await client.get<CustomerProfile>(
          `/api/staff/customers/by-external/${encodeURIComponent(externalUserId)}`,
        );
      } catch (error) {
        if (error instanceof ApiError && error.code === 'NOT_FOUND') return null;
        throw error;
      }
    },
    /** The organisation's active staff (pickers; a staff member's own clinics). */
    staffMembers: async () => (await client.get<{ items: StaffMemberSummary[] }>('/api/staff/staff-members')).items,
    channels: async () => (await client.get<{ items: Channel[] }>('/api/staff/channels')).items,
    /** Managers and admins. */
    createChannel: (request: CreateChannelRequest) => client.post<Channel>('/api/staff/channels', request),
    /** Managers and admins; `{ archived: true }` archives it. */
    updateChannel: (id: string, changes: UpdateChannelRequest) => client.patch<Channel>(channelPath(id), changes),
    couponTemplates: async () => (await client.get<{ items: CouponTemplate[] }>('/api/staff/coupon-templates')).items,
    couponTemplate: (id: string) => client.get<CouponTemplate>(couponTemplatePath(id)),
    createCouponTemplate: (request: CreateCouponTemplateRequest) =>
      client.post<CouponTemplate>('/api/staff/coupon-templates', request),
    /** Wording, stock (never below what was issued) and paused. */
    updateCouponTemplate: (id: string, changes: UpdateCouponTemplateRequest) =>
      client.patch<CouponTemplate>(couponTemplatePath(id), changes),
    campaigns: async () => (await client.get<{ items: Campaign[] }>('/api/staff/campaigns')).items,
    campaign: (id: string) => client.get<Campaign>(campaignPath(id)),
    createCampaign: (request: CreateCampaignRequest) => client.post<Campaign>('/api/staff/campaigns', request),
    /** `{ end: true }` ends it now. */
    updateCampaign: (id: string, changes: UpdateCampaignRequest) => client.patch<Campaign>(campaignPath(id), changes),
    /** Generates the codes that failed when the campaign was created. */
    retryCampaignCodes: (id: string) => client.post<Campaign>(`${campaignPath(id)}/codes/retry`),
    /** The path of the mini-program code's PNG (fetch it with the staff token: `fetchBlob`). */
    miniProgramCodePath: (id: string) => `${campaignPath(id)}/codes/mini-program.png`,
    campaignResults: () => client.get<CampaignResultsReport>('/api/staff/campaigns/results'),
    campaignDailyResults: async (id: string) =>
      (await client.get<CampaignDailyResults>(`${campaignPath(id)}/results/daily`)).items,
    /** The customer's coupons, every state (or one). */
    customerCoupons: async (id: string, state?: CouponState) =>
      (
        await client.get<{ items: Coupon[] }>(
          `${customerPath(id)}/coupons${state ? `?${new URLSearchParams({ state }).toString()}` : ''}`,
        )
      ).items,
    redeemCoupon: (customerId: string, couponId: string, clinicId: string) =>
      client.post<Coupon>(`${customerPath(customerId)}/coupons/${encodeURIComponent(couponId)}/redeem`, { clinicId }),
    /** A code the patient shows (scanned or typed). */
    redeemCouponByCode: (code: string, clinicId: string) =>
      client.post<Coupon>('/api/staff/coupons/redeem', { code, clinicId }),
    /** Managers and admins, within REDEMPTION_UNDO_MINUTES of the redemption. */
    undoRedemption: (couponId: string) =>
      client.post<Coupon>(`/api/staff/coupons/${encodeURIComponent(couponId)}/undo-redemption`),
    /** The campaigns that brought the customer (first and last touch). */
    customerAttribution: (id: string) => client.get<CustomerAttribution>(`${customerPath(id)}/attribution`),
    sandbox: {
      wecomUsers: () => client.publicRequest<SandboxWecomUser[]>('GET', '/sandbox/control/wecom/users'),
      oauthCode: (userid: string) =>
        client.publicRequest<SandboxCode>('POST', '/sandbox/control/wecom/oauth-code', { userid }),
    },
  };
}

export type CareloopApi = ReturnType<typeof createCareloopApi>;
