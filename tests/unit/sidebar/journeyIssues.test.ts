import { JourneyDefinition, journeyGraphIssues } from '@careloop/shared';
import { ApiError, createApiClient, type HttpRequest } from '@careloop/shared/client';
import { describe, expect, it } from 'vitest';
import { safeStore } from '../../../wecom-sidebar/src/api/storage';
import { createTokenStore } from '../../../wecom-sidebar/src/api/tokens';
import { createJourneysApi } from '../../../wecom-sidebar/src/journeys/api';
import { canManageJourneys, savedText, settingsNotes, versionText } from '../../../wecom-sidebar/src/journeys/describe';
import { explainJourneyError } from '../../../wecom-sidebar/src/journeys/errors';
import { ENTRY_NODE, layoutJourney } from '../../../wecom-sidebar/src/journeys/graph';
import {
  fieldIssue,
  issuesByNode,
  issuesFromError,
  issueText,
  otherIssues,
  placeIssue,
} from '../../../wecom-sidebar/src/journeys/issues';
import { journeyHref, journeyRoute, sidebarCustomerHref } from '../../../wecom-sidebar/src/journeys/nav';
import {
  edgeCount,
  entryFigures,
  stepStates,
  stepsNotInGraph,
  statsByStep,
} from '../../../wecom-sidebar/src/journeys/overlay';
import { analytics, branching, JOURNEY_ID, noShow, stepStats } from './journeyFixtures';

const CUSTOMER_ID = '65f000000000000000000001';
const EXECUTION_ID = '65f0000000000000000000e9';

describe('validation issues on the graph', () => {
  it('puts each of the graph’s own problems on its node, in words', () => {
    const definition = noShow();
    const broken = {
      ...definition,
      steps: [
        ...definition.steps.map((step) => (step.id === 'wait2' ? { ...step, next: 'gone' } : step)),
        { id: 'call', type: 'exit' as const },
      ],
    };
    const issues = journeyGraphIssues(broken).map((issue) => ({ ...issue, path: issue.path.join('.') }));
    const byNode = issuesByNode(issues, broken);
    expect([...byNode.keys()]).toEqual(['call', 'wait2', 'tag']);
    expect(byNode.get('call')).toEqual([
      {
        node: 'call',
        field: 'id',
        message: '另一个步骤已使用 id「call」',
        original: 'another step already has the id call',
      },
    ]);
    expect(byNode.get('wait2')![0]).toMatchObject({ field: 'next', message: '指向的步骤「gone」不存在' });
    expect(byNode.get('tag')![0]).toMatchObject({ field: '', message: '从入口无法到达这个步骤' });
  });

  it('puts schema problems (by index) on the step, and settings problems on the entry node', () => {
    const definition = noShow();
    const invalid = {
      ...definition,
      steps: definition.steps.map((step) => (step.id === 'call' ? { ...step, title: '' } : step)),
    };
    const parsed = JourneyDefinition.safeParse({ ...invalid, quietHours: { start: '21:00', end: '21:00' } });
    const issues = parsed.error!.issues.map((issue) => ({
      stepId: null,
      path: issue.path.join('.'),
      message: issue.message,
    }));
    const byNode = issuesByNode(issues, invalid);
    expect(byNode.get('call')).toEqual([
      { node: 'call', field: 'title', message: '不能为空', original: expect.stringContaining('Too small') },
    ]);
    expect(byNode.get(ENTRY_NODE)).toEqual([
      {
        node: ENTRY_NODE,
        field: 'quietHours.end',
        message: '开始与结束时间不能相同',
        original: 'start and end must differ',
      },
    ]);
    expect(fieldIssue(byNode.get(ENTRY_NODE), 'quietHours')).toBe('开始与结束时间不能相同');
    expect(otherIssues(byNode.get('call'), ['title'])).toEqual([]);
    expect(otherIssues(byNode.get('call'), ['name'])).toHaveLength(1);
  });

  it('reads the issues of a refused save, JOURNEY_INVALID and the body’s schema alike', () => {
    const invalid = new ApiError(400, 'JOURNEY_INVALID', 'no such coupon template', [
      { stepId: 'coupon', path: 'steps.3.couponTemplateId', message: 'no such coupon template' },
      { stepId: null, path: 'entry.cron', message: 'the schedule: bad minute' },
    ]);
    expect(issuesFromError(invalid)).toEqual([
      { stepId: 'coupon', path: 'steps.3.couponTemplateId', message: 'no such coupon template' },
      { stepId: null, path: 'entry.cron', message: 'the schedule: bad minute' },
    ]);
    const schema = new ApiError(400, 'VALIDATION_FAILED', 'Invalid body', [
      {
        in: 'body',
        path: 'definition.steps.0.title',
        code: 'too_small',
        message: 'Too small: expected string to have >=1 characters',
      },
      { in: 'body', path: 'name', code: 'too_small', message: 'Too small' },
    ]);
    expect(issuesFromError(schema)).toEqual([
      { stepId: null, path: 'steps.0.title', message: 'Too small: expected string to have >=1 characters' },
    ]);
    expect(placeIssue(issuesFromError(schema)[0]!, noShow())).toMatchObject({ node: 'call', field: 'title' });
    expect(issuesFromError(new ApiError(409, 'JOURNEY_STATE_CONFLICT', 'x', []))).toEqual([]);
  });

  it('keeps a message it does not know as the server wrote it', () => {
    expect(issueText('is on a loop without a wait step')).toBe('处在没有等待步骤的循环里，客户会无限循环');
    expect(issueText('tag 种植意向 does not exist')).toBe('tag 种植意向 does not exist');
  });
});

describe('analytics on the graph', () => {
  const figures = analytics(
    [
      stepStats('wait', { entered: 3, passed: 3 }),
      stepStats('booked', { type: 'branch', entered: 3, passed: 3, branches: { yes: 1, no: 2 } }),
      stepStats('thanks', { type: 'add_tag', entered: 1, passed: 1 }),
      stepStats('call', { type: 'create_task', entered: 2, passed: 1, skipped: 1 }),
      stepStats('again', { entered: 2, waiting: 2 }),
      stepStats('old', { entered: 4, exited: 4 }),
    ],
    3,
  );

  it('counts each edge: everyone along the start, each way of a branch, passed and skipped along a next', () => {
    const stats = statsByStep(figures);
    const counts = Object.fromEntries(
      layoutJourney(branching()).edges.map((edge) => [edge.key, edgeCount(edge, stats, figures)]),
    );
    expect(counts).toEqual({
      [`${ENTRY_NODE}:start`]: 3,
      'wait:next': 3,
      'booked:yes': 1,
      'booked:no': 2,
      'thanks:next': 1,
      'call:next': 2,
      'again:next': 0,
    });
    expect(edgeCount({ from: 'wait', kind: 'next' }, stats, null)).toBeNull();
  });

  it('lists the steps only older versions had, and a step’s states with customers in them', () => {
    expect(stepsNotInGraph(figures, branching()).map((stats) => stats.stepId)).toEqual(['old']);
    expect(stepStates(statsByStep(figures).get('call'))).toEqual([
      { state: 'passed', count: 1 },
      { state: 'skipped', count: 1 },
    ]);
    expect(stepStates(undefined)).toEqual([]);
    expect(entryFigures(figures).map((figure) => [figure.key, figure.value])).toEqual([
      ['entered', 3],
      ['active', 0],
      ['completed', 3],
      ['exited', 0],
      ['parked', 0],
      ['inDoubt', 0],
    ]);
  });
});

describe('journey pages and routes', () => {
  it('reads the page from the hash', () => {
    expect(journeyRoute('#journeys')).toEqual({ view: 'list' });
    expect(journeyRoute('#journeys/templates')).toEqual({ view: 'templates' });
    expect(journeyRoute('#journeys/in-doubt')).toEqual({ view: 'in-doubt' });
    expect(journeyRoute('#journeys/new')).toEqual({ view: 'new' });
    expect(journeyRoute(`#journeys/${JOURNEY_ID}`)).toEqual({ view: 'journey', id: JOURNEY_ID, tab: 'builder' });
    expect(journeyRoute(`#journeys/${JOURNEY_ID}/analytics`)).toEqual({
      view: 'journey',
      id: JOURNEY_ID,
      tab: 'analytics',
    });
    expect(journeyRoute(`#journeys/${JOURNEY_ID}/nonsense`)).toMatchObject({ tab: 'builder' });
    expect(journeyRoute('#journeys/not-an-id')).toEqual({ view: 'list' });
    expect(journeyHref(JOURNEY_ID, 'versions')).toBe(`#journeys/${JOURNEY_ID}/versions`);
    expect(sidebarCustomerHref(CUSTOMER_ID)).toBe(`/wecom/#customer=${CUSTOMER_ID}`);
  });

  it('calls the routes the BFF declares', async () => {
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
        return { status: 200, body: { items: [], tags: [] } };
      },
      tokens,
    });
    const api = createJourneysApi(client);
    await api.list();
    await api.validate({ start: 'a' });
    await api.act(JOURNEY_ID, 'pause');
    await api.fromTemplate('no_show_recovery', { parameters: {} });
    await api.analytics(JOURNEY_ID, 2);
    await api.analytics(JOURNEY_ID, null);
    await api.stepCustomers(JOURNEY_ID, 'call', { state: 'passed', version: null, cursor: EXECUTION_ID, limit: 20 });
    await api.inDoubt();
    await api.review(EXECUTION_ID, 'not_sent');
    await api.update(JOURNEY_ID, { name: 'x', expectedVersion: 2 });
    expect(requests.map((request) => `${request.method} ${request.url}`)).toEqual([
      'GET /api/staff/journeys',
      'POST /api/staff/journey-definitions/validate',
      `POST /api/staff/journeys/${JOURNEY_ID}/pause`,
      'POST /api/staff/journey-templates/no_show_recovery/journeys',
      `GET /api/staff/journeys/${JOURNEY_ID}/analytics?version=2`,
      `GET /api/staff/journeys/${JOURNEY_ID}/analytics`,
      `GET /api/staff/journeys/${JOURNEY_ID}/steps/call/customers?state=passed&cursor=${EXECUTION_ID}&limit=20`,
      'GET /api/staff/journey-executions/in-doubt',
      `POST /api/staff/journey-executions/${EXECUTION_ID}/review`,
      `PATCH /api/staff/journeys/${JOURNEY_ID}`,
    ]);
    expect(requests[1]!.body).toEqual({ definition: { start: 'a' } });
    expect(requests[8]!.body).toEqual({ outcome: 'not_sent' });
  });

  it('lets managers and admins change journeys, and says what a save did', () => {
    expect(canManageJourneys({ id: 'a', roles: ['manager'] })).toBe(true);
    expect(canManageJourneys({ id: 'a', roles: ['staff'] })).toBe(false);
    expect(savedText({ version: 2 }, { version: 3, liveVersion: 3 })).toContain('新版本 v3');
    expect(savedText({ version: 1 }, { version: 1, liveVersion: null })).toBe('已保存（v1）。');
    expect(versionText({ version: 3, liveVersion: 2 })).toBe('v3 · 线上 v2');
    expect(settingsNotes(noShow())).toEqual(['30 天后可再进入', '预约即退出', '静默 21:00–08:00']);
  });

  it('says every journey error code in words, keeping the code', () => {
    const conflict = new ApiError(409, 'JOURNEY_STATE_CONFLICT', 'A live journey cannot become live');
    expect(explainJourneyError(conflict, 'enable')).toBe(
      '启用失败：只有草稿可以启用，请刷新看看当前状态。 A live journey cannot become live (JOURNEY_STATE_CONFLICT)',
    );
    const invalid = new ApiError(400, 'JOURNEY_INVALID', 'no such staff member', [
      { stepId: 'call', path: 'steps.0.assigneeStaffId', message: 'no such staff member' },
    ]);
    expect(explainJourneyError(invalid, 'save')).toBe(
      '旅程设置有误，已在流程图上标出：步骤 call：员工不存在或已停用 (JOURNEY_INVALID)',
    );
    expect(explainJourneyError(new ApiError(403, 'FORBIDDEN', 'Forbidden'), 'archive')).toContain('只有店长或管理员');
    expect(explainJourneyError(new ApiError(404, 'NOT_FOUND', 'Execution not found'), 'review')).toContain(
      '没有找到这条待确认的消息',
    );
  });
});
