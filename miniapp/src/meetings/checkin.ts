/**
 * The check-in page as plain TypeScript. The venue's code names the meeting by its key: the page loads the meeting
 * (its title, time and my registration, to say things plainly) and checks in at once — scanning the code is the
 * request. The server decides whether the window is open and whether I hold a place; its refusal is explained with
 * what the page knows (the window's times in the meeting's zone, my waitlist position). A replayed check-in answers
 * the same check-in (`alreadyCheckedIn`).
 */
import { createState, type Store } from '../booking/store';
import type { MeetingApi } from './api';
import { meetingProblem, type MeetingProblem } from './errors';
import type { CustomerMeeting, MeetingCheckInResult } from './types';

export interface CheckInState {
  meeting: CustomerMeeting | null;
  step:
    | { status: 'idle' }
    | { status: 'loading' }
    | { status: 'checking-in' }
    | { status: 'done'; result: MeetingCheckInResult }
    | { status: 'failed'; problem: MeetingProblem };
}

export interface CheckInStore extends Store<CheckInState> {
  /** Loads the meeting and checks in. Never rejects. */
  run(): Promise<void>;
}

export interface CheckInOptions {
  api: Pick<MeetingApi, 'meetingByKey' | 'checkIn'>;
  key: string;
  now?: () => number;
}

export function createCheckIn({ api, key, now = Date.now }: CheckInOptions): CheckInStore {
  const state = createState<CheckInState>({ meeting: null, step: { status: 'idle' } });
  let running = false;

  async function run() {
    if (running) return;
    running = true;
    try {
      state.set({ step: { status: 'loading' } });
      let meeting: CustomerMeeting;
      try {
        meeting = await api.meetingByKey(key);
        state.set({ meeting });
      } catch (error) {
        state.set({ step: { status: 'failed', problem: meetingProblem(error, { action: 'load', now: now() }) } });
        return;
      }
      state.set({ step: { status: 'checking-in' } });
      try {
        const result = await api.checkIn(key);
        state.set({ step: { status: 'done', result } });
      } catch (error) {
        const problem = meetingProblem(error, {
          action: 'check-in',
          timeZone: meeting.timeZone,
          registration: meeting.myRegistration,
          now: now(),
        });
        state.set({ step: { status: 'failed', problem } });
      }
    } finally {
      running = false;
    }
  }

  return { getState: state.getState, subscribe: state.subscribe, run };
}
