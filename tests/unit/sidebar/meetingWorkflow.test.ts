import { createApiClient, type HttpRequest } from '@careloop/shared/client';
import { ApiError } from '@careloop/shared/client';
import { describe, expect, it } from 'vitest';
import { safeStore } from '../../../wecom-sidebar/src/api/storage';
import { createTokenStore } from '../../../wecom-sidebar/src/api/tokens';
import { createMeetingsApi, meetingListQuery } from '../../../wecom-sidebar/src/meetings/api';
import { explainMeetingError, validationIssues } from '../../../wecom-sidebar/src/meetings/errors';
import { meetingHref, meetingRoute } from '../../../wecom-sidebar/src/meetings/nav';
import {
  actionState,
  decisionState,
  latestRejection,
  visibleActions,
} from '../../../wecom-sidebar/src/meetings/workflow';
import { STAFF_ID } from './fixtures';
import { MANAGER_ID, MEETING_ID, staffMeeting } from './meetingFixtures';

const rep = { id: STAFF_ID, roles: ['staff' as const] };
const manager = { id: MANAGER_ID, roles: ['admin' as const, 'manager' as const] };
const otherRep = { id: '65f0000000000000000000b3', roles: ['staff' as const] };
const BEFORE = new Date('2026-03-01T02:00:00.000Z');
const DURING = new Date('2026-03-12T07:00:00.000Z');

describe('who may decide on a meeting', () => {
  it('is a manager or admin who did not create it', () => {
    expect(decisionState(staffMeeting({ status: 'submitted' }), manager)).toEqual({ allowed: true });
  });

  it('is not the creator, even a manager, and the reason says so', () => {
    const own = staffMeeting({ status: 'submitted', createdBy: { id: MANAGER_ID, name: '李娜' } });
    expect(decisionState(own, manager)).toMatchObject({ allowed: false, reason: expect.stringContaining('创建人') });
  });

  it('is not a rep', () => {
    expect(actionState('approve', staffMeeting({ status: 'submitted' }), otherRep)).toMatchObject({
      allowed: false,
      reason: expect.stringContaining('店长或管理员'),
    });
  });

  it('has nothing to decide unless the meeting is submitted', () => {
    expect(decisionState(staffMeeting({ status: 'approved' }), manager)).toMatchObject({ allowed: false });
  });
});

describe('running a meeting', () => {
  it('lets the creator submit a draft before its start', () => {
    expect(actionState('submit', staffMeeting(), rep, BEFORE)).toEqual({ allowed: true });
    expect(actionState('submit', staffMeeting(), rep, DURING)).toMatchObject({ allowed: false });
  });

  it('keeps other reps out of someone else’s meeting', () => {
    expect(actionState('submit', staffMeeting(), otherRep, BEFORE)).toMatchObject({ allowed: false });
    expect(actionState('cancel', staffMeeting(), otherRep, BEFORE)).toMatchObject({ allowed: false });
  });

  it('publishes only an approved meeting, and tells how to get a rejected one published', () => {
    expect(actionState('publish', staffMeeting({ status: 'approved' }), rep)).toEqual({ allowed: true });
    expect(actionState('publish', staffMeeting({ status: 'rejected' }), rep)).toMatchObject({
      reason: expect.stringContaining('重新提交'),
    });
  });

  it('finishes a published meeting once it has started', () => {
    const published = staffMeeting({ status: 'published' });
    expect(actionState('finish', published, rep, BEFORE)).toMatchObject({ allowed: false });
    expect(actionState('finish', published, rep, DURING)).toEqual({ allowed: true });
  });

  it('shows the buttons of each state', () => {
    expect(visibleActions(staffMeeting({ status: 'submitted' }))).toEqual(['approve', 'reject', 'edit', 'cancel']);
    expect(visibleActions(staffMeeting({ status: 'finished' }))).toEqual([]);
  });

  it('shows the latest rejection’s reason', () => {
    const decision = (reason: string, at: string) => ({
      decision: 'rejected' as const,
      by: { id: MANAGER_ID, name: '李娜' },
      at,
      reason,
      version: 1,
    });
    const meeting = staffMeeting({
      status: 'rejected',
      decisions: [
        decision('讲者资质待补充', '2026-03-02T02:00:00.000Z'),
        decision('议程缺少时间', '2026-03-03T02:00:00.000Z'),
      ],
    });
    expect(latestRejection(meeting)?.reason).toBe('议程缺少时间');
  });
});

describe('the meetings page’s address and routes', () => {
  it('names the list, a new meeting, or a meeting and its view', () => {
    expect(meetingRoute('#meetings/new')).toEqual({ kind: 'new' });
    expect(meetingRoute(`#meetings/${MEETING_ID}/checkin`)).toEqual({ kind: 'item', id: MEETING_ID, view: 'checkin' });
    expect(meetingRoute(`#meetings/${MEETING_ID}`)).toEqual({ kind: 'item', id: MEETING_ID, view: 'overview' });
    expect(meetingHref(MEETING_ID, 'survey')).toBe(`#meetings/${MEETING_ID}/survey`);
  });

  it('calls the BFF’s meeting routes, the approval with the version reviewed', async () => {
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
    const api = createMeetingsApi(client);
    await api.list({ awaitingMyDecision: true });
    await api.decide(MEETING_ID, { decision: 'approved', reason: '', version: 3 });
    await api.publish(MEETING_ID);
    await api.cancel(MEETING_ID, '讲者临时无法出席');
    await api.checkIn(MEETING_ID, 'Xy3_abcdEFGH12-z');
    await api.surveyResults(MEETING_ID);
    expect(requests.map((request) => `${request.method} ${request.url}`)).toEqual([
      'GET /api/staff/meetings?awaitingMyDecision=true',
      `POST /api/staff/meetings/${MEETING_ID}/decision`,
      `POST /api/staff/meetings/${MEETING_ID}/publish`,
      `POST /api/staff/meetings/${MEETING_ID}/cancel`,
      `POST /api/staff/meetings/${MEETING_ID}/check-in`,
      `GET /api/staff/meetings/${MEETING_ID}/survey-results`,
    ]);
    expect(requests[1]!.body).toEqual({ decision: 'approved', reason: '', version: 3 });
    expect(requests[4]!.body).toEqual({ code: 'Xy3_abcdEFGH12-z' });
    expect(api.attendeesCsvPath(MEETING_ID)).toBe(`/api/staff/meetings/${MEETING_ID}/attendees/export`);
    expect(meetingListQuery({ status: 'published', limit: 20 })).toBe('?status=published&limit=20');
  });
});

describe('meeting errors in words', () => {
  it('explains the creator’s own approval, a closed check-in window with its times, and field issues', () => {
    expect(explainMeetingError(new ApiError(403, 'MEETING_SELF_APPROVAL', 'no'), 'decide')).toContain('创建人');
    const closed = new ApiError(409, 'MEETING_CHECK_IN_CLOSED', 'Check-in is not open now', {
      opensAt: '2026-03-12T05:00:00.000Z',
      closesAt: '2026-03-12T09:00:00.000Z',
    });
    expect(explainMeetingError(closed, 'check-in')).toContain('2026-03-12 13:00 至 2026-03-12 17:00');
    const invalid = new ApiError(400, 'VALIDATION_FAILED', 'Invalid body', [
      { in: 'body', path: 'startsAt', code: 'custom', message: 'must be in the future' },
    ]);
    expect(validationIssues(invalid)).toEqual([{ path: 'startsAt', message: 'must be in the future' }]);
    expect(explainMeetingError(invalid)).toContain('startsAt: must be in the future');
  });
});
