import { describe, expect, it } from 'vitest';
import { createApiClient } from '@careloop/shared/client';
import { createMeetingApi } from '../../../miniapp/src/meetings/api';
import { errorResponse, fakeTransport } from './fakes';
import { MEETING_ID, MEETING_KEY, meeting, registration, summary, survey } from './meeting-fixtures';

const tokens = {
  get: () => ({ accessToken: 'a', refreshToken: 'r', expiresIn: 900 }),
  set: () => {},
};

function api(routes: Parameters<typeof fakeTransport>[0]) {
  const fake = fakeTransport(routes);
  return { ...fake, meetings: createMeetingApi(createApiClient({ baseUrl: '', transport: fake.transport, tokens })) };
}

describe('meeting API', () => {
  it('calls the meeting routes as the signed-in customer', async () => {
    const mine = meeting({ myRegistration: registration() });
    const checkIn = {
      meeting: { id: MEETING_ID, title: mine.title },
      registration: registration({ checkedInAt: '2025-12-10T05:30:00.000Z' }),
      alreadyCheckedIn: false,
    };
    const answered = survey({ answered: true, answers: { q1: 5, q2: 0 } });
    const { meetings, requests } = api({
      'GET /api/mp/meetings': () => ({ status: 200, body: { items: [summary()] } }),
      'GET /api/mp/meetings/mine': () => ({
        status: 200,
        body: { items: [summary({ myRegistration: registration() })] },
      }),
      [`GET /api/mp/meetings/${MEETING_ID}`]: () => ({ status: 200, body: meeting() }),
      [`GET /api/mp/meetings/by-key/${MEETING_KEY}`]: () => ({ status: 200, body: meeting() }),
      [`POST /api/mp/meetings/${MEETING_ID}/sign-up`]: () => ({ status: 200, body: mine }),
      [`POST /api/mp/meetings/${MEETING_ID}/cancel`]: () => ({ status: 200, body: meeting() }),
      'POST /api/mp/meetings/check-in': () => ({ status: 200, body: checkIn }),
      [`GET /api/mp/meetings/${MEETING_ID}/survey`]: () => ({ status: 200, body: survey() }),
      [`POST /api/mp/meetings/${MEETING_ID}/survey`]: () => ({ status: 201, body: answered }),
    });
    expect(await meetings.list()).toEqual([summary()]);
    expect((await meetings.mine())[0]?.myRegistration?.status).toBe('confirmed');
    expect(await meetings.meeting(MEETING_ID)).toEqual(meeting());
    expect(await meetings.meetingByKey(MEETING_KEY)).toEqual(meeting());
    expect(await meetings.signUp(MEETING_ID)).toEqual(mine);
    expect(await meetings.cancel(MEETING_ID)).toEqual(meeting());
    expect(await meetings.checkIn(MEETING_KEY)).toEqual(checkIn);
    expect(await meetings.survey(MEETING_ID)).toEqual(survey());
    expect(await meetings.answerSurvey(MEETING_ID, { q1: 5, q2: 0 })).toEqual(answered);

    expect(requests.every((request) => request.headers.authorization === 'Bearer a')).toBe(true);
    expect(requests.find((r) => r.url === '/api/mp/meetings/check-in')?.body).toEqual({ key: MEETING_KEY });
    expect(requests.find((r) => r.method === 'POST' && r.url.endsWith('/survey'))?.body).toEqual({
      answers: { q1: 5, q2: 0 },
    });
  });

  it('turns an answer without the expected fields into a clear error', async () => {
    const { meetings } = api({
      'GET /api/mp/meetings': () => ({ status: 200, body: { items: [{ id: MEETING_ID }] } }),
      [`GET /api/mp/meetings/${MEETING_ID}`]: () => ({
        status: 200,
        body: { ...meeting(), myRegistration: { ...registration(), status: 'lost' } },
      }),
      'POST /api/mp/meetings/check-in': () => ({ status: 200, body: { alreadyCheckedIn: true } }),
      [`GET /api/mp/meetings/${MEETING_ID}/survey`]: () => ({ status: 200, body: { questions: [] } }),
    });
    await expect(meetings.list()).rejects.toMatchObject({ code: 'BAD_RESPONSE' });
    await expect(meetings.meeting(MEETING_ID)).rejects.toMatchObject({ code: 'BAD_RESPONSE' });
    await expect(meetings.checkIn(MEETING_KEY)).rejects.toMatchObject({ code: 'BAD_RESPONSE' });
    await expect(meetings.survey(MEETING_ID)).rejects.toMatchObject({ code: 'BAD_RESPONSE' });
  });

  it('passes refusals on with their codes and details', async () => {
    const { meetings } = api({
      'POST /api/mp/meetings/check-in': () => ({
        status: 409,
        body: {
          error: {
            code: 'MEETING_CHECK_IN_CLOSED',
            message: 'Check-in is not open now',
            details: { opensAt: '2025-12-10T05:00:00.000Z', closesAt: '2025-12-10T09:00:00.000Z' },
          },
        },
      }),
      [`POST /api/mp/meetings/${MEETING_ID}/sign-up`]: () => errorResponse(409, 'MEETING_FULL'),
    });
    await expect(meetings.checkIn(MEETING_KEY)).rejects.toMatchObject({
      code: 'MEETING_CHECK_IN_CLOSED',
      details: { opensAt: '2025-12-10T05:00:00.000Z' },
    });
    await expect(meetings.signUp(MEETING_ID)).rejects.toMatchObject({ status: 409, code: 'MEETING_FULL' });
  });
});
