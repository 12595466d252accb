/** A meeting as the workbench receives it, to start meeting tests from; override what a test is about. */
import type { StaffMeeting } from '@careloop/shared';
import { STAFF_ID } from './fixtures';

export const MEETING_ID = '65f0000000000000000000d1';
export const MANAGER_ID = '65f0000000000000000000b2';

export function staffMeeting(overrides: Partial<StaffMeeting> = {}): StaffMeeting {
  return {
    id: MEETING_ID,
    key: 'abcdefgh23',
    title: '种植修复新进展学术沙龙',
    description: '面向口腔修复与种植专业医生的学术交流会。',
    audience: 'hcp',
    status: 'draft',
    startsAt: '2026-03-12T06:00:00.000Z',
    endsAt: '2026-03-12T09:00:00.000Z',
    timeZone: 'Asia/Shanghai',
    venue: { name: '静安旗舰店 三楼会议室', address: '南京西路 1266 号' },
    agenda: [{ time: '14:00', topic: '签到与开场', speaker: '' }],
    speakers: [{ name: '吴建国', title: '主任医师', hospital: '上海市第九人民医院' }],
    capacity: 50,
    feeFen: 0,
    signUpDeadline: '2026-03-12T06:00:00.000Z',
    version: 1,
    onlineUrl: null,
    survey: [{ id: 'q1', kind: 'rating', text: '总体评价', required: true }],
    waitlistLimit: 100,
    checkInOpensMinutesBefore: 60,
    checkInClosesMinutesAfterEnd: 0,
    surveyOpenDays: 14,
    createdBy: { id: STAFF_ID, name: '王芳' },
    decisions: [],
    history: [],
    cancelReason: null,
    counts: { invited: 0, signedUp: 0, awaitingPayment: 0, waitlisted: 0, cancelled: 0, checkedIn: 0, surveyed: 0 },
    venueCode: {
      imageUrl: `/api/staff/meetings/${MEETING_ID}/venue-code`,
      page: 'subpackages/meetings/pages/checkin/index',
      scene: 'abcdefgh23',
    },
    createdAt: '2026-03-01T02:00:00.000Z',
    updatedAt: '2026-03-01T02:00:00.000Z',
    ...overrides,
  };
}
