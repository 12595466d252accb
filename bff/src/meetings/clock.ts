/**
 * The clock meetings read at request and job time: sign-up deadlines, the check-in and survey windows, "has it
 * started", and the times stamped on registrations, check-ins, answers and history. Tests move it forward with
 * `setMeetingClock` instead of waiting for a meeting to start or end.
 */
let clock: () => Date = () => new Date();

/** Replaces the clock (null restores the real one). */
export function setMeetingClock(next: (() => Date) | null): void {
  clock = next ?? (() => new Date());
}

export function meetingNow(): Date {
  return clock();
}
