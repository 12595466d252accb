import type {
  CustomerMeeting,
  CustomerMeetingSummary,
  MeetingSurvey,
  MyRegistration,
} from '../../../miniapp/src/meetings/types';

export const MEETING_ID = '65a1b2c3d4e5f60718293e01';
export const MEETING_KEY = 'abcdefgh23';
/** 2025-12-10 14:00–17:00 in Shanghai. */
export const STARTS = Date.parse('2025-12-10T06:00:00.000Z');
export const ENDS = Date.parse('2025-12-10T09:00:00.000Z');
export const HOUR = 3_600_000;

export function registration(overrides: Partial<MyRegistration> = {}): MyRegistration {
  return {
    id: '65a1b2c3d4e5f60718293f01',
    meetingId: MEETING_ID,
    status: 'confirmed',
    waitlistPosition: null,
    signedUpAt: '2025-12-01T02:00:00.000Z',
    checkInCode: 'k3Jd9_aQ-2mXp0Zt',
    checkedInAt: null,
    surveyAnswered: false,
    feeFen: 0,
    paymentId: null,
    holdExpiresAt: null,
    paidAt: null,
    refundFen: null,
    refundedAt: null,
    refundableOnCancel: false,
    cancelReason: null,
    cancelledAt: null,
    ...overrides,
  };
}

export function meeting(overrides: Partial<CustomerMeeting> = {}): CustomerMeeting {
  return {
    id: MEETING_ID,
    title: '种植修复新进展学术沙龙',
    description: '面向口腔修复与种植专业医生的学术交流会。',
    audience: 'hcp',
    status: 'published',
    startsAt: new Date(STARTS).toISOString(),
    endsAt: new Date(ENDS).toISOString(),
    timeZone: 'Asia/Shanghai',
    venue: { name: '静安旗舰店 三楼会议室', address: '上海市静安区南京西路 1266 号' },
    agenda: [{ time: '14:00', topic: '签到与开场', speaker: '' }],
    speakers: [{ name: '吴建国', title: '主任医师', hospital: '上海市第九人民医院' }],
    capacity: 30,
    signUpDeadline: new Date(STARTS - 20 * HOUR).toISOString(),
    placesLeft: 12,
    waitlistOpen: false,
    signUpOpen: true,
    checkIn: { opensAt: new Date(STARTS - HOUR).toISOString(), closesAt: new Date(ENDS).toISOString() },
    survey: {
      questionCount: 2,
      opensAt: new Date(ENDS).toISOString(),
      closesAt: new Date(ENDS + 14 * 24 * HOUR).toISOString(),
    },
    onlineUrl: null,
    myRegistration: null,
    reminderTemplateId: 'tmplReminder',
    feeFen: 0,
    ...overrides,
  };
}

export function summary(overrides: Partial<CustomerMeetingSummary> = {}): CustomerMeetingSummary {
  const full = meeting();
  return {
    id: full.id,
    title: full.title,
    audience: full.audience,
    status: full.status,
    startsAt: full.startsAt,
    endsAt: full.endsAt,
    timeZone: full.timeZone,
    venueName: full.venue?.name ?? null,
    online: false,
    placesLeft: full.placesLeft,
    feeFen: full.feeFen,
    myRegistration: null,
    ...overrides,
  };
}

export function survey(overrides: Partial<MeetingSurvey> = {}): MeetingSurvey {
  return {
    meetingId: MEETING_ID,
    title: '种植修复新进展学术沙龙',
    questions: [
      { id: 'q1', kind: 'rating', text: '总体评价', required: true },
      { id: 'q2', kind: 'single', text: '是否有帮助', required: true, options: ['很有帮助', '一般'] },
      {
        id: 'q3',
        kind: 'multiple',
        text: '下次主题',
        required: false,
        options: ['种植', '正畸', '修复'],
        maxChoices: 2,
      },
      { id: 'q4', kind: 'text', text: '建议', required: false, maxLength: 10 },
    ],
    opensAt: new Date(ENDS).toISOString(),
    closesAt: new Date(ENDS + 14 * 24 * HOUR).toISOString(),
    open: true,
    eligible: true,
    answered: false,
    answers: null,
    ...overrides,
  };
}
