/**
 * One meeting's page as plain TypeScript: load it (again when the page is shown: a waitlisted place may have been
 * promoted meanwhile), sign up and cancel. The page draws `getState()` and calls the actions.
 */
import { createState, type Store } from '../booking/store';
import type { MeetingApi } from './api';
import { meetingProblem, type MeetingProblem } from './errors';
import { activeRegistration } from './status';
import type { CustomerMeeting, Loadable } from './types';

export type MeetingNotice =
  'confirmed' | 'awaiting_payment' | 'waitlisted' | 'cancelled' | 'lapsed' | 'promoted' | 'paid';

export interface MeetingDetailState {
  meeting: Loadable<CustomerMeeting>;
  /** A load that failed, with its code (HCP_ONLY shows a lock rather than an error). */
  loadProblem: MeetingProblem | null;
  action:
    { status: 'idle' } | { status: 'busy'; kind: 'sign-up' | 'cancel' } | { status: 'failed'; problem: MeetingProblem };
  /** What just happened to my registration, said once. */
  notice: MeetingNotice | null;
  /** Signed up on this page (confirmed or waiting): the page then offers the reminder. */
  signedUpHere: boolean;
}

export interface MeetingDetailStore extends Store<MeetingDetailState> {
  /** Loads (again). Never rejects. */
  load(): Promise<void>;
  signUp(): Promise<void>;
  cancel(): Promise<void>;
  /** My held place's fee was paid here: show the meeting as the server now has it (and offer the reminder). */
  paid(meeting: CustomerMeeting): void;
  clearNotice(): void;
}

export interface MeetingDetailOptions {
  api: Pick<MeetingApi, 'meeting' | 'signUp' | 'cancel'>;
  id: string;
  now?: () => number;
}

/** What changed in my registration between two views of the meeting, worth saying. */
export function registrationNotice(before: CustomerMeeting | null, after: CustomerMeeting): MeetingNotice | null {
  if (!before) return null; // the first view: nothing changed
  const was = activeRegistration(before);
  const is = activeRegistration(after);
  if (was?.status === 'waitlisted' && (is?.status === 'confirmed' || is?.status === 'awaiting_payment'))
    return 'promoted';
  if (was?.status === 'awaiting_payment' && is?.status === 'confirmed') return 'paid';
  if (!was && is) return is.status;
  // A held place not paid in time was released: not a cancel of mine.
  if (was && !is) return after.myRegistration?.cancelReason === 'unpaid' ? 'lapsed' : 'cancelled';
  return null;
}

export function createMeetingDetail({ api, id, now = Date.now }: MeetingDetailOptions): MeetingDetailStore {
  const state = createState<MeetingDetailState>({
    meeting: { status: 'idle' },
    loadProblem: null,
    action: { status: 'idle' },
    notice: null,
    signedUpHere: false,
  });
  let loads = 0;

  function current(): CustomerMeeting | null {
    const { meeting } = state.getState();
    return meeting.status === 'ready' ? meeting.value : null;
  }

  function show(next: CustomerMeeting) {
    const notice = registrationNotice(current(), next);
    state.set({ meeting: { status: 'ready', value: next }, loadProblem: null, ...(notice ? { notice } : {}) });
  }

  async function load() {
    const mine = ++loads;
    if (!current()) state.set({ meeting: { status: 'loading' } });
    try {
      const meeting = await api.meeting(id);
      if (mine === loads && state.getState().action.status !== 'busy') show(meeting);
    } catch (error) {
      if (mine !== loads || current()) return; // a refresh that failed keeps what is shown
      const problem = meetingProblem(error, { action: 'load', now: now() });
      state.set({ meeting: { status: 'error', message: problem.message }, loadProblem: problem });
    }
  }

  async function act(kind: 'sign-up' | 'cancel') {
    const meeting = current();
    if (!meeting || state.getState().action.status === 'busy') return;
    loads++; // an answer of a load sent before is older than this action's
    state.set({ action: { status: 'busy', kind }, notice: null });
    try {
      const next = kind === 'sign-up' ? await api.signUp(id) : await api.cancel(id);
      state.set({ action: { status: 'idle' }, signedUpHere: kind === 'sign-up' && activeRegistration(next) !== null });
      show(next);
    } catch (error) {
      const problem = meetingProblem(error, {
        action: kind,
        timeZone: meeting.timeZone,
        registration: meeting.myRegistration,
        now: now(),
      });
      state.set({ action: { status: 'failed', problem } });
      // Places, the deadline or my registration were not what the page showed: show what they are.
      await load();
    }
  }

  return {
    getState: state.getState,
    subscribe: state.subscribe,
    load,
    signUp: () => act('sign-up'),
    cancel: () => act('cancel'),
    paid(next) {
      loads++; // a load sent before shows the place unpaid
      state.set({ signedUpHere: true });
      show(next);
    },
    clearNotice() {
      state.set({ notice: null });
    },
  };
}
