// Opened by the venue's mini-program code: `page` = subpackages/meetings/pages/checkin/index, `scene` = the meeting
// key (MEETING_PAGES.checkIn in shared/src/meetings.ts).
export default definePageConfig({ navigationBarTitleText: '会议签到' });
