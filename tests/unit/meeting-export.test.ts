import { describe, expect, it } from 'vitest';
import type { MeetingAttendee } from '@careloop/shared';
import { attendeesCsv } from '../../bff/src/meetings/views';

function attendee(overrides: Partial<MeetingAttendee['customer']> = {}): MeetingAttendee {
  return {
    customer: { id: 'a'.repeat(24), name: '王医生', kind: 'hcp', phone: '138****5678', hcp: null, ...overrides },
    registrationId: 'b'.repeat(24),
    status: 'confirmed',
    waitlistPosition: null,
    invited: false,
    invitedAt: null,
    signedUpAt: '2030-05-01T01:02:03.456Z',
    confirmedAt: '2030-05-01T01:02:03.456Z',
    cancelledAt: null,
    checkedInAt: null,
    checkedInVia: null,
    surveyedAt: null,
    paymentStatus: 'none',
    paidFen: 0,
    refundFen: null,
    holdExpiresAt: null,
  };
}

const lines = (csv: string) =>
  csv
    .replace(/^\uFEFF/, '')
    .trim()
    .split('\r\n');

describe('attendee export', () => {
  it('starts with a byte-order mark and a header, and writes times in the organisation’s zone to the second', () => {
    const csv = attendeesCsv([attendee()], 'Asia/Shanghai');
    expect(csv.startsWith('\uFEFFname,kind,phone,hospital,')).toBe(true);
    expect(lines(csv)[1]).toContain(',2030-05-01T09:02:03+08:00,');
  });

  it('quotes commas, quotes and line breaks', () => {
    const row = lines(attendeesCsv([attendee({ name: '张,"三"\n' })], 'Asia/Shanghai'))[1]!;
    expect(row.startsWith('"张,""三""\n",hcp,')).toBe(true);
  });

  it.each(['=HYPERLINK("http://x")', '+1', '-2', '@SUM(A1)'])('keeps %j from running as a formula', (name) => {
    const row = lines(attendeesCsv([attendee({ name })], 'Asia/Shanghai'))[1]!;
    expect(row.split(',')[0]!.replace(/^"/, '')).toMatch(/^'/);
  });
});
