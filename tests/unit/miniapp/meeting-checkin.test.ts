import { describe, expect, it } from 'vitest';
import { ApiError } from '@careloop/shared/client';
import type { MeetingApi } from '../../../miniapp/src/meetings/api';
import { createCheckIn } from '../../../miniapp/src/meetings/checkin';
import { ENDS, HOUR, MEETING_ID, MEETING_KEY, STARTS, meeting, registration } from './meeting-fixtures';

function api(overrides: Partial<Pick<MeetingApi, 'meetingByKey' | 'checkIn'>> = {}) {
  const keys: string[] = [];
  return {
    keys,
    api: {
      async meetingByKey(key: string) {
        keys.push(`load ${key}`);
        return meeting({ myRegistration: registration() });
      },
      async checkIn(key: string) {
        keys.push(`check-in ${key}`);
        return {
          meeting: { id: MEETING_ID, title: meeting().title },
          registration: registration({ checkedInAt: new Date(STARTS - HOUR / 2).toISOString() }),
          alreadyCheckedIn: false,
        };
      },
      ...overrides,
    },
  };
}

describe('checking in at the venue', () => {
  it('loads the meeting the code names and checks in at once', async () => {
    const fake = api();
    const store = createCheckIn({ api: fake.api, key: MEETING_KEY });
    await store.run();
    expect(fake.keys).toEqual([`load ${MEETING_KEY}`, `check-in ${MEETING_KEY}`]);
    expect(store.getState().step).toMatchObject({ status: 'done', result: { alreadyCheckedIn: false } });
    expect(store.getState().meeting?.title).toBe(meeting().title);
  });

  it('says when check-in opens to someone who scanned too early, and checks in on a later try', async () => {
    let open = false;
    const fake = api({
      async checkIn() {
        if (!open) {
          throw new ApiError(409, 'MEETING_CHECK_IN_CLOSED', 'Check-in is not open now', {
            opensAt: new Date(STARTS - HOUR).toISOString(),
            closesAt: new Date(ENDS).toISOString(),
          });
        }
        return {
          meeting: { id: MEETING_ID, title: meeting().title },
          registration: registration({ checkedInAt: new Date(STARTS).toISOString() }),
          alreadyCheckedIn: true,
        };
      },
    });
    let clock = STARTS - 3 * HOUR;
    const store = createCheckIn({ api: fake.api, key: MEETING_KEY, now: () => clock });
    await store.run();
    expect(store.getState().step).toMatchObject({
      status: 'failed',
      problem: {
        code: 'MEETING_CHECK_IN_CLOSED',
        title: '签到尚未开始',
        message: '签到将于 12月10日 13:00 开始，请届时再扫码签到',
      },
    });
    open = true;
    clock = STARTS;
    await store.run();
    expect(store.getState().step).toMatchObject({ status: 'done', result: { alreadyCheckedIn: true } });
  });

  it('tells a waitlisted person why they cannot check in', async () => {
    const fake = api({
      meetingByKey: async () =>
        meeting({ myRegistration: registration({ status: 'waitlisted', waitlistPosition: 2 }) }),
      checkIn: async () => {
        throw new ApiError(409, 'MEETING_NOT_REGISTERED', 'Still on the waitlist');
      },
    });
    const store = createCheckIn({ api: fake.api, key: MEETING_KEY });
    await store.run();
    expect(store.getState().step).toMatchObject({
      status: 'failed',
      problem: { title: '仍在候补中', message: '你还在候补名单中（第 2 位），尚未获得名额，无法签到' },
    });
  });

  it('does not try to check in to a meeting the code does not name', async () => {
    const fake = api({
      meetingByKey: async () => {
        throw new ApiError(404, 'NOT_FOUND', 'Meeting not found');
      },
    });
    const store = createCheckIn({ api: fake.api, key: MEETING_KEY });
    await store.run();
    expect(fake.keys).toEqual([]);
    expect(store.getState().step).toMatchObject({ status: 'failed', problem: { title: '会议不存在' } });
  });
});
