import type { MeetingAttendee } from '@careloop/shared';
import { describe, expect, it } from 'vitest';
import {
  attendeeLine,
  attendeesCsvFilename,
  checkInMessage,
  matchesFilter,
  normaliseAttendeeCode,
  venueCodeFilename,
  type AttendeeFilter,
} from '../../../wecom-sidebar/src/meetings/attendees';
import {
  answeredLine,
  attendanceOption,
  questionChartOption,
  ratingAverage,
} from '../../../wecom-sidebar/src/meetings/surveyResults';

const attendee = (overrides: Partial<MeetingAttendee> = {}): MeetingAttendee => ({
  customer: {
    id: '65f000000000000000000001',
    name: '吴建国 医生',
    kind: 'hcp',
    phone: '138****5678',
    hcp: { hospital: '上海市第九人民医院', department: '口腔修复科', title: '主任医师', verification: 'verified' },
  },
  registrationId: '65f0000000000000000000e1',
  status: 'confirmed',
  waitlistPosition: null,
  invited: false,
  invitedAt: null,
  signedUpAt: '2026-03-02T02:00:00.000Z',
  confirmedAt: '2026-03-02T02:00:00.000Z',
  cancelledAt: null,
  checkedInAt: null,
  checkedInVia: null,
  surveyedAt: null,
  paymentStatus: 'none',
  paidFen: 0,
  refundFen: null,
  holdExpiresAt: null,
  ...overrides,
});

describe('the attendee list’s groups', () => {
  const people = [
    attendee(),
    attendee({ checkedInAt: '2026-03-12T05:30:00.000Z', checkedInVia: 'self', surveyedAt: '2026-03-12T10:00:00.000Z' }),
    attendee({ status: 'waitlisted', waitlistPosition: 1, confirmedAt: null }),
    attendee({ status: 'cancelled', cancelledAt: '2026-03-05T02:00:00.000Z' }),
    attendee({ status: 'invited', registrationId: null, invited: true, signedUpAt: null, confirmedAt: null }),
  ];
  const count = (filter: AttendeeFilter) => people.filter((person) => matchesFilter(person, filter)).length;

  it('counts signed up as holding a place, checked in and surveyed within them', () => {
    expect(count('all')).toBe(5);
    expect(count('signedUp')).toBe(2);
    expect(count('checkedIn')).toBe(1);
    expect(count('surveyed')).toBe(1);
    expect(count('waitlisted')).toBe(1);
    expect(count('cancelled')).toBe(1);
    expect(count('invited')).toBe(1);
  });
});

describe('the check-in desk', () => {
  it('reads the code from the bare text, a link or a prefixed QR text', () => {
    expect(normaliseAttendeeCode(' Xy3_abcdEFGH12-z ')).toEqual({ ok: true, code: 'Xy3_abcdEFGH12-z' });
    expect(normaliseAttendeeCode('https://care.example.com/m/#/checkin?code=Xy3_abcdEFGH12-z')).toEqual({
      ok: true,
      code: 'Xy3_abcdEFGH12-z',
    });
    expect(normaliseAttendeeCode('meeting:Xy3_abcdEFGH12-z')).toEqual({ ok: true, code: 'Xy3_abcdEFGH12-z' });
  });

  it('refuses nothing and what cannot be a code', () => {
    expect(normaliseAttendeeCode('  ').ok).toBe(false);
    expect(normaliseAttendeeCode('short').ok).toBe(false);
    expect(normaliseAttendeeCode('Xy3_abcd!EFGH12').ok).toBe(false);
    expect(normaliseAttendeeCode('https://care.example.com/m/#/checkin?id=1').ok).toBe(false);
  });

  it('says who checked in, with hospital and masked phone, or that they had already', () => {
    const checkedIn = attendee({ checkedInAt: '2026-03-12T05:30:00.000Z', checkedInVia: 'staff' });
    expect(checkInMessage({ attendee: checkedIn, alreadyCheckedIn: false })).toEqual({
      headline: '吴建国 医生 签到成功',
      detail: '吴建国 医生 · 上海市第九人民医院 口腔修复科 · 138****5678 · Checked in',
    });
    expect(checkInMessage({ attendee: checkedIn, alreadyCheckedIn: true }).headline).toBe('吴建国 医生 此前已签到');
    expect(attendeeLine(attendee({ customer: { ...attendee().customer, name: null, hcp: null, phone: null } }))).toBe(
      '未设置昵称',
    );
  });

  it('names the exported files after the meeting, safely', () => {
    expect(attendeesCsvFilename({ title: '种植/修复: 沙龙?', key: 'abcdefgh23' })).toBe(
      '参会名单_种植_修复_沙龙_abcdefgh23.csv',
    );
    expect(venueCodeFilename({ title: '学术沙龙', key: 'abcdefgh23' })).toBe('会议签到码_学术沙龙_abcdefgh23.png');
  });
});

describe('survey results as charts', () => {
  it('draws choices as horizontal bars, the first option on top', () => {
    const option = questionChartOption({
      id: 'q2',
      kind: 'single',
      text: '帮助',
      answered: 5,
      options: [
        { label: '很有帮助', count: 3 },
        { label: '一般', count: 2 },
      ],
      rating: null,
      texts: null,
    }) as { yAxis: { data: string[] }; series: { data: number[] }[] };
    expect(option.yAxis.data).toEqual(['一般', '很有帮助']);
    expect(option.series[0]!.data).toEqual([2, 3]);
  });

  it('draws the rating’s 1–5 distribution and states its average', () => {
    const question = {
      id: 'q1',
      kind: 'rating' as const,
      text: '总体评价',
      answered: 4,
      options: null,
      rating: { counts: [0, 0, 1, 1, 2], average: 4.25 },
      texts: null,
    };
    const option = questionChartOption(question) as { series: { data: number[] }[] };
    expect(option.series[0]!.data).toEqual([0, 0, 1, 1, 2]);
    expect(ratingAverage(question)).toBe('4.3 分');
    expect(ratingAverage({ rating: { counts: [0, 0, 0, 0, 0], average: null } })).toBe('—');
  });

  it('lists text answers instead of charting them', () => {
    expect(
      questionChartOption({
        id: 'q3',
        kind: 'text',
        text: '建议',
        answered: 1,
        options: null,
        rating: null,
        texts: ['很好'],
      }),
    ).toBeNull();
  });

  it('says how many of the respondents answered a question', () => {
    expect(answeredLine({ answered: 3 }, 8)).toBe('3 / 8 人作答（37.5%）');
    expect(answeredLine({ answered: 0 }, 0)).toContain('暂无');
  });

  it('charts attendance from invited to surveyed', () => {
    const option = attendanceOption({
      invited: 10,
      signedUp: 8,
      awaitingPayment: 0,
      waitlisted: 2,
      cancelled: 1,
      checkedIn: 6,
      surveyed: 4,
    }) as {
      series: { data: { value: number }[] }[];
    };
    expect(option.series[0]!.data.map((point) => point.value)).toEqual([10, 8, 2, 6, 4]);
  });
});
