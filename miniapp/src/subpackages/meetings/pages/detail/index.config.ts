// One meeting; reminders open it with `?id=` (MEETING_PAGES.detail in shared/src/meetings.ts).
export default definePageConfig({ navigationBarTitleText: '会议详情' });
