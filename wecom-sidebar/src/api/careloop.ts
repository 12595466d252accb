/** The BFF routes the WeCom web app uses, over the shared API client. */
import type {
  AppConfig,
  CustomerList,
  CustomerProfile,
  JsSdkSignature,
  SandboxCode,
  SandboxWecomUser,
  StaffLoginResponse,
  StaffProfile,
} from '@careloop/shared';
import { ApiError, type ApiClient } from '@careloop/shared/client';

export function createCareloopApi(client: ApiClient) {
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
    customer: (id: string) => client.get<CustomerProfile>(`/api/staff/customers/${encodeURIComponent(id)}`),
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
    sandbox: {
      wecomUsers: () => client.publicRequest<SandboxWecomUser[]>('GET', '/sandbox/control/wecom/users'),
      oauthCode: (userid: string) =>
        client.publicRequest<SandboxCode>('POST', '/sandbox/control/wecom/oauth-code', { userid }),
    },
  };
}

export type CareloopApi = ReturnType<typeof createCareloopApi>;
