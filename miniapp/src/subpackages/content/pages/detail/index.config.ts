// One article or video. Shares (the mini-program's, and staff's cards and links) open exactly this page with
// `?id=…&st=…` (CONTENT_DETAIL_PAGE in shared/src/content.ts).
export default definePageConfig({ navigationBarTitleText: '内容详情', enableShareAppMessage: true });
