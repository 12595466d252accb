import type { StaffContent, TimelineEvent } from '@careloop/shared';
import { createApiClient, type HttpRequest } from '@careloop/shared/client';
import { describe, expect, it } from 'vitest';
import { safeStore } from '../../../wecom-sidebar/src/api/storage';
import { createTokenStore } from '../../../wecom-sidebar/src/api/tokens';
import { contentListQuery, createContentApi } from '../../../wecom-sidebar/src/content/api';
import { contentHref, contentRoute } from '../../../wecom-sidebar/src/content/nav';
import {
  contentResultsOption,
  contentResultTiles,
  formatDwell,
  formatRate,
  leaderboardOption,
  rankLeaderboard,
} from '../../../wecom-sidebar/src/content/results';
import { contentActionState } from '../../../wecom-sidebar/src/content/workflow';
import { describeEvent } from '../../../wecom-sidebar/src/profile/eventLabels';
import { groupOfType } from '../../../wecom-sidebar/src/profile/timelineFilter';
import { STAFF_ID } from './fixtures';

const CONTENT_ID = '65f0000000000000000000c1';
const rep = { id: STAFF_ID, roles: ['staff' as const] };
const manager = { id: '65f0000000000000000000b2', roles: ['manager' as const] };
const NO = { edit: false, submit: false, review: false, publish: false, archive: false, share: false };
const item = (status: StaffContent['status'], can: Partial<StaffContent['can']> = {}, live = false) => ({
  status,
  can: { ...NO, ...can },
  live: live
    ? { number: 1, publishedAt: '2026-03-01T02:00:00.000Z', publishedBy: { id: STAFF_ID, name: null }, title: 't' }
    : null,
});

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
  return { api: createContentApi(client), requests };
}

describe('the content routes', () => {
  it('list, edit, review, publish and share as the BFF declares them', async () => {
    const { api, requests } = setup();
    await api.list({ status: 'in_review', q: ' 种植 ', limit: 50 });
    await api.update(CONTENT_ID, { baseVersion: 2, title: '新标题' });
    await api.submit(CONTENT_ID);
    await api.review(CONTENT_ID, { decision: 'reject', comment: '请补充参考文献' });
    await api.publish(CONTENT_ID);
    await api.versions(CONTENT_ID);
    await api.version(CONTENT_ID, 1);
    await api.results(CONTENT_ID, 14);
    await api.leaderboard(CONTENT_ID);
    await api.share(CONTENT_ID, '65f000000000000000000001');
    expect(requests.map((request) => `${request.method} ${request.url}`)).toEqual([
      'GET /api/staff/content?status=in_review&q=%E7%A7%8D%E6%A4%8D&limit=50',
      `PATCH /api/staff/content/${CONTENT_ID}`,
      `POST /api/staff/content/${CONTENT_ID}/submit`,
      `POST /api/staff/content/${CONTENT_ID}/review`,
      `POST /api/staff/content/${CONTENT_ID}/publish`,
      `GET /api/staff/content/${CONTENT_ID}/versions`,
      `GET /api/staff/content/${CONTENT_ID}/versions/1`,
      `GET /api/staff/content/${CONTENT_ID}/results?windowDays=14`,
      `GET /api/staff/content/share-leaderboard?contentId=${CONTENT_ID}`,
      `POST /api/staff/content/${CONTENT_ID}/share`,
    ]);
    expect(requests[3]!.body).toEqual({ decision: 'reject', comment: '请补充参考文献' });
    expect(requests[9]!.body).toEqual({ customerId: '65f000000000000000000001' });
  });

  it('leaves empty filters out of the list query', () => {
    expect(contentListQuery({ status: undefined, q: '  ', kind: 'video' })).toBe('?kind=video');
    expect(contentListQuery()).toBe('');
  });
});

describe('the content page’s address', () => {
  it('names the list, a new item, or an item and its view', () => {
    expect(contentRoute('#content')).toEqual({ kind: 'list' });
    expect(contentRoute('#content/new')).toEqual({ kind: 'new' });
    expect(contentRoute(`#content/${CONTENT_ID}/versions`)).toEqual({ kind: 'item', id: CONTENT_ID, view: 'versions' });
    expect(contentRoute(`#content/${CONTENT_ID}/nonsense`)).toEqual({ kind: 'item', id: CONTENT_ID, view: 'overview' });
    expect(contentRoute('#content/not-an-id')).toEqual({ kind: 'list' });
    expect(contentHref(CONTENT_ID, 'results')).toBe(`#content/${CONTENT_ID}/results`);
  });
});

describe('why an editorial action is not possible', () => {
  it('lets through what the server allows', () => {
    expect(contentActionState('publish', item('approved', { publish: true }), rep)).toEqual({ allowed: true });
  });

  it('tells a manager they cannot review their own version, and a rep that managers review', () => {
    const inReview = item('in_review');
    expect(contentActionState('review', inReview, manager)).toMatchObject({
      allowed: false,
      reason: expect.stringContaining('自己'),
    });
    expect(contentActionState('review', inReview, rep)).toMatchObject({
      allowed: false,
      reason: expect.stringContaining('店长'),
    });
  });

  it('needs approval before publishing and publication before sharing', () => {
    expect(contentActionState('publish', item('draft'), rep)).toMatchObject({
      reason: expect.stringContaining('审核通过'),
    });
    expect(contentActionState('share', item('draft'), rep)).toMatchObject({
      reason: expect.stringContaining('发布后'),
    });
    expect(contentActionState('edit', item('in_review'), rep)).toMatchObject({
      reason: expect.stringContaining('审核中'),
    });
  });
});

describe('a content item’s results', () => {
  const results = {
    contentId: CONTENT_ID,
    opens: 40,
    uniqueReaders: 25,
    averageDwellSeconds: 75.4,
    finishes: 18,
    finishRate: 0.45,
    shares: 6,
    bookedReaders: 3,
    windowDays: 7,
  };

  it('shows dwell in minutes and seconds and rates in percent', () => {
    expect(formatDwell(75.4)).toBe('1 分 15 秒');
    expect(formatDwell(42)).toBe('42 秒');
    expect(formatDwell(120)).toBe('2 分');
    expect(formatRate(0.45)).toBe('45%');
    expect(formatRate(0.4567)).toBe('45.7%');
  });

  it('lists reach, readers, dwell, finish rate, shares and readers who booked, with the window', () => {
    const tiles = contentResultTiles(results);
    expect(tiles.map((tile) => [tile.key, tile.value])).toEqual([
      ['opens', '40'],
      ['uniqueReaders', '25'],
      ['averageDwell', '1 分 15 秒'],
      ['finishRate', '45%'],
      ['shares', '6'],
      ['bookedReaders', '3'],
    ]);
    expect(tiles[5]!.hint).toContain('7 days');
  });

  it('charts the reading funnel as bars', () => {
    const option = contentResultsOption(results) as { series: { data: { value: number }[] }[] };
    expect(option.series[0]!.data.map((point) => point.value)).toEqual([40, 25, 18, 6, 3]);
  });

  it('ranks staff as the server does and charts their readers, shares and new customers', () => {
    const rows = [
      { staff: { id: 'a', name: '王芳' }, shares: 3, readersReached: 9, newCustomers: 2 },
      { staff: { id: 'b', name: null }, shares: 5, readersReached: 4, newCustomers: 0 },
    ];
    expect(rankLeaderboard(rows).map((row) => [row.place, row.name])).toEqual([
      [1, '王芳'],
      [2, '（已离职）'],
    ]);
    const option = leaderboardOption(rows) as { series: { name: string; data: number[] }[] };
    expect(option.series.map((series) => [series.name, series.data])).toEqual([
      ['带来阅读人数', [9, 4]],
      ['分享次数', [3, 5]],
      ['带来新客', [2, 0]],
    ]);
  });
});

describe('reading history on the timeline', () => {
  const event = (type: string, properties: Record<string, unknown>) =>
    ({ type, properties, actor: null }) as unknown as Pick<TimelineEvent, 'type' | 'properties' | 'actor'>;

  it('names the content read, finished, shared or sent by its title', () => {
    const properties = { contentId: CONTENT_ID, category: 'implant', title: '种植牙术后护理' };
    expect(describeEvent(event('content.opened', properties)).detail).toBe('「种植牙术后护理」');
    expect(describeEvent(event('content.finished', properties)).detail).toBe('「种植牙术后护理」');
    expect(describeEvent(event('content.sent', properties))).toMatchObject({
      label: '员工发送内容',
      detail: '「种植牙术后护理」',
    });
    expect(describeEvent(event('content.shared', { ...properties, target: 'moments' })).detail).toBe(
      '「种植牙术后护理」 到朋友圈',
    );
  });

  it('falls back to the content id for older events without a title', () => {
    expect(describeEvent(event('content.dwell', { contentId: CONTENT_ID, seconds: 30 })).detail).toBe(
      `内容 ${CONTENT_ID} · 停留 30 秒`,
    );
  });

  it('files shares and staff sends under the content filter', () => {
    expect(groupOfType('content.shared')).toBe('content');
    expect(groupOfType('content.sent')).toBe('content');
  });
});
