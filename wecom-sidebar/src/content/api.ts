/** The content routes the workbench and the sidebar call (`/api/staff/content…`), over the shared API client. */
import type { ApiClient } from '@careloop/shared/client';
import type {
  ContentResults,
  ContentReviewRequest,
  ContentSettings,
  ContentVersion,
  ContentVersionList,
  CreateContentRequest,
  ShareLeaderboard,
  StaffContent,
  StaffContentPage,
  StaffContentQuery,
  StaffShare,
  UpdateContentRequest,
} from './types';

/** The list's query string: only the filters given, in a stable order. */
export function contentListQuery(query: StaffContentQuery = {}): string {
  const params = new URLSearchParams();
  for (const key of ['status', 'kind', 'audience', 'category', 'q', 'cursor', 'limit'] as const) {
    const value = query[key];
    if (value !== undefined && value !== null && String(value).trim() !== '') params.set(key, String(value).trim());
  }
  const text = params.toString();
  return text ? `?${text}` : '';
}

export function createContentApi(client: ApiClient) {
  const path = (id: string) => `/api/staff/content/${encodeURIComponent(id)}`;
  return {
    list: (query: StaffContentQuery = {}) =>
      client.get<StaffContentPage>(`/api/staff/content${contentListQuery(query)}`),
    get: (id: string) => client.get<StaffContent>(path(id)),
    create: (request: CreateContentRequest) => client.post<StaffContent>('/api/staff/content', request),
    /** A new version on top of `baseVersion`. */
    update: (id: string, request: UpdateContentRequest) => client.patch<StaffContent>(path(id), request),
    submit: (id: string) => client.post<StaffContent>(`${path(id)}/submit`),
    /** Managers; not a version they edited or submitted. */
    review: (id: string, request: ContentReviewRequest) => client.post<StaffContent>(`${path(id)}/review`, request),
    publish: (id: string) => client.post<StaffContent>(`${path(id)}/publish`),
    archive: (id: string) => client.post<StaffContent>(`${path(id)}/archive`),
    versions: async (id: string) => (await client.get<ContentVersionList>(`${path(id)}/versions`)).items,
    version: (id: string, number: number) => client.get<ContentVersion>(`${path(id)}/versions/${number}`),
    results: (id: string, windowDays?: number) =>
      client.get<ContentResults>(`${path(id)}/results${windowDays ? `?windowDays=${windowDays}` : ''}`),
    leaderboard: async (contentId?: string) =>
      (
        await client.get<ShareLeaderboard>(
          `/api/staff/content/share-leaderboard${contentId ? `?contentId=${encodeURIComponent(contentId)}` : ''}`,
        )
      ).items,
    settings: () => client.get<ContentSettings>('/api/staff/content/settings'),
    /** Managers. */
    updateSettings: (settings: ContentSettings) =>
      client.request<ContentSettings>('PUT', '/api/staff/content/settings', settings),
    /** My share token and the cards for sendChatMessage; with the chat's customer, recorded on their timeline. */
    share: (id: string, customerId?: string) =>
      client.post<StaffShare>(`${path(id)}/share`, customerId ? { customerId } : {}),
  };
}

export type ContentApi = ReturnType<typeof createContentApi>;
