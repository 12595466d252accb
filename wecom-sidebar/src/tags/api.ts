/**
 * The tag, rule, segment and note routes the sidebar and the workbench call (`/api/staff/tags…`, `/tag-groups`,
 * `/tag-rules/examples`, `/segments…`, `/customer-lists…`, the customer's tags, explanations and notes), over the
 * shared API client. Adding and removing a tag by name stay in api/careloop.ts (`addTag`, `removeTag`).
 */
import type { ApiClient } from '@careloop/shared/client';
import type {
  CreateSegmentRequest,
  CreateTagGroupRequest,
  CreateTagRequest,
  CustomerListMembers,
  CustomerNote,
  CustomerTag,
  ExampleRule,
  MaterialisedList,
  RuleCondition,
  Segment,
  SegmentPreview,
  TagDefinition,
  TagExplanation,
  TagGroup,
  TagLibrary,
  TagRecompute,
  UpdateSegmentRequest,
  UpdateTagGroupRequest,
  UpdateTagRequest,
} from './types';

const enc = encodeURIComponent;

export function createTagsApi(client: ApiClient) {
  const tagPath = (id: string) => `/api/staff/tags/${enc(id)}`;
  const groupPath = (id: string) => `/api/staff/tag-groups/${enc(id)}`;
  const segmentPath = (id: string) => `/api/staff/segments/${enc(id)}`;
  const customerPath = (id: string) => `/api/staff/customers/${enc(id)}`;
  return {
    /** Groups and tags, with how many customers carry each (everyone). */
    library: () => client.get<TagLibrary>('/api/staff/tags'),
    tag: (id: string) => client.get<TagDefinition>(tagPath(id)),
    /** Managers; a dynamic tag's rule is computed for every customer in the background. */
    createTag: (request: CreateTagRequest) => client.post<TagDefinition>('/api/staff/tags', request),
    /** Managers; a new rule starts a recompute. */
    updateTag: (id: string, changes: UpdateTagRequest) => client.patch<TagDefinition>(tagPath(id), changes),
    /** Managers: the tag leaves the library and every customer. */
    archiveTag: (id: string) => client.request<void>('DELETE', tagPath(id)),
    /** Managers: recompute a dynamic tag for everyone (answers the run). */
    recompute: (id: string) => client.post<TagRecompute>(`${tagPath(id)}/recompute`),
    /** The latest recompute and its progress. */
    recomputeStatus: (id: string) => client.get<TagRecompute>(`${tagPath(id)}/recompute`),
    examples: async () => (await client.get<{ items: ExampleRule[] }>('/api/staff/tag-rules/examples')).items,
    createGroup: (request: CreateTagGroupRequest) => client.post<TagGroup>('/api/staff/tag-groups', request),
    updateGroup: (id: string, changes: UpdateTagGroupRequest) => client.patch<TagGroup>(groupPath(id), changes),
    /** Its tags stay, ungrouped. */
    deleteGroup: (id: string) => client.request<void>('DELETE', groupPath(id)),

    /** The customer's tags with their library ids and sources (audited). */
    customerTags: async (customerId: string) =>
      (await client.get<{ items: CustomerTag[] }>(`${customerPath(customerId)}/tags`)).items,
    /** Why the tag applies to the customer or not (audited). */
    explain: (customerId: string, tagId: string) =>
      client.get<TagExplanation>(`${customerPath(customerId)}/tags/${enc(tagId)}/explain`),
    /** Newest first (audited). */
    notes: async (customerId: string) =>
      (await client.get<{ items: CustomerNote[] }>(`${customerPath(customerId)}/notes`)).items,
    /** On the timeline; keyword rules may tag the customer from its text (`tagsAdded`). */
    addNote: (customerId: string, text: string) =>
      client.post<CustomerNote>(`${customerPath(customerId)}/notes`, { text }),

    /** Managers: the live count and first page of the customers a rule selects now. */
    preview: (rule: RuleCondition, limit = 20) =>
      client.post<SegmentPreview>('/api/staff/segments/preview', { rule, limit }),
    segments: async () => (await client.get<{ items: Segment[] }>('/api/staff/segments')).items,
    segment: (id: string) => client.get<Segment>(segmentPath(id)),
    createSegment: (request: CreateSegmentRequest) => client.post<Segment>('/api/staff/segments', request),
    updateSegment: (id: string, changes: UpdateSegmentRequest) => client.patch<Segment>(segmentPath(id), changes),
    deleteSegment: (id: string) => client.request<void>('DELETE', segmentPath(id)),
    /** Managers: the segment now, as a fixed customer list (for journeys and mass sends). */
    materialise: (id: string) => client.post<MaterialisedList>(`${segmentPath(id)}/lists`),
    customerList: (listId: string) => client.get<MaterialisedList>(`/api/staff/customer-lists/${enc(listId)}`),
    listMembers: (listId: string, cursor?: string | null, limit = 20) => {
      const params = new URLSearchParams({ limit: String(limit) });
      if (cursor) params.set('cursor', cursor);
      return client.get<CustomerListMembers>(`/api/staff/customer-lists/${enc(listId)}/members?${params.toString()}`);
    },
    /** The CSV's path (fetch it with the staff token: `fetchBlob`). */
    exportPath: (id: string) => `${segmentPath(id)}/export.csv`,
  };
}

export type TagsApi = ReturnType<typeof createTagsApi>;
