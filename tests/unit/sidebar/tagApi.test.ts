import { createApiClient, type HttpRequest } from '@careloop/shared/client';
import { describe, expect, it } from 'vitest';
import { EXAMPLE_RULES } from '../../../bff/src/tags/examples';
import { safeStore } from '../../../wecom-sidebar/src/api/storage';
import { createTokenStore } from '../../../wecom-sidebar/src/api/tokens';
import { createTagsApi } from '../../../wecom-sidebar/src/tags/api';
import { CUSTOMER_ID } from './fixtures';

const TAG_ID = '65f0000000000000000000f1';
const GROUP_ID = '65f0000000000000000000a1';
const SEGMENT_ID = '65f0000000000000000000d7';
const LIST_ID = '65f0000000000000000000d8';
const rule = EXAMPLE_RULES[0]!.rule;

function setup() {
  const requests: HttpRequest[] = [];
  const tokens = createTokenStore(
    safeStore(() => null),
    't',
  );
  tokens.set({ accessToken: 'AT', refreshToken: 'RT', expiresIn: 900 });
  const client = createApiClient({
    baseUrl: '',
    transport: async (request) => {
      requests.push(request);
      return { status: 200, body: { items: [] } };
    },
    tokens,
  });
  return { api: createTagsApi(client), requests };
}

const sent = (requests: HttpRequest[]) => requests.map((request) => `${request.method} ${request.url}`);

describe('the tag routes', () => {
  it('manage the library, its rules and their recomputes as the BFF declares them', async () => {
    const { api, requests } = setup();
    await api.library();
    await api.createTag({ name: '6个月内失约', kind: 'dynamic', rule });
    await api.updateTag(TAG_ID, { description: 'x' });
    await api.archiveTag(TAG_ID);
    await api.recompute(TAG_ID);
    await api.recomputeStatus(TAG_ID);
    await api.examples();
    await api.createGroup({ name: '意向' });
    await api.deleteGroup(GROUP_ID);
    expect(sent(requests)).toEqual([
      'GET /api/staff/tags',
      'POST /api/staff/tags',
      `PATCH /api/staff/tags/${TAG_ID}`,
      `DELETE /api/staff/tags/${TAG_ID}`,
      `POST /api/staff/tags/${TAG_ID}/recompute`,
      `GET /api/staff/tags/${TAG_ID}/recompute`,
      'GET /api/staff/tag-rules/examples',
      'POST /api/staff/tag-groups',
      `DELETE /api/staff/tag-groups/${GROUP_ID}`,
    ]);
    expect(requests[1]!.body).toEqual({ name: '6个月内失约', kind: 'dynamic', rule });
  });

  it('read a customer’s tags, their explanations and notes, and add a note', async () => {
    const { api, requests } = setup();
    await api.customerTags(CUSTOMER_ID);
    await api.explain(CUSTOMER_ID, TAG_ID);
    await api.notes(CUSTOMER_ID);
    await api.addNote(CUSTOMER_ID, '想了解种植牙');
    expect(sent(requests)).toEqual([
      `GET /api/staff/customers/${CUSTOMER_ID}/tags`,
      `GET /api/staff/customers/${CUSTOMER_ID}/tags/${TAG_ID}/explain`,
      `GET /api/staff/customers/${CUSTOMER_ID}/notes`,
      `POST /api/staff/customers/${CUSTOMER_ID}/notes`,
    ]);
    expect(requests[3]!.body).toEqual({ text: '想了解种植牙' });
  });
});

describe('the segment routes', () => {
  it('preview a rule, save, materialise and page a list, and name the CSV export', async () => {
    const { api, requests } = setup();
    await api.preview(rule);
    await api.segments();
    await api.createSegment({ name: '失约', rule });
    await api.updateSegment(SEGMENT_ID, { name: '失约 6 个月' });
    await api.materialise(SEGMENT_ID);
    await api.listMembers(LIST_ID, SEGMENT_ID);
    await api.deleteSegment(SEGMENT_ID);
    expect(sent(requests)).toEqual([
      'POST /api/staff/segments/preview',
      'GET /api/staff/segments',
      'POST /api/staff/segments',
      `PATCH /api/staff/segments/${SEGMENT_ID}`,
      `POST /api/staff/segments/${SEGMENT_ID}/lists`,
      `GET /api/staff/customer-lists/${LIST_ID}/members?limit=20&cursor=${SEGMENT_ID}`,
      `DELETE /api/staff/segments/${SEGMENT_ID}`,
    ]);
    expect(requests[0]!.body).toEqual({ rule, limit: 20 });
    expect(api.exportPath(SEGMENT_ID)).toBe(`/api/staff/segments/${SEGMENT_ID}/export.csv`);
  });
});
