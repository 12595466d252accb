export default defineAppConfig({
  // Only the four tab pages live in the main package, so it stays small (WeChat's limit is 2 MB; our goal 1 MB).
  // Later features each get their own entry in `subPackages` (roots outside `pages/`), for example
  //   { root: 'booking', pages: ['slots/index', 'confirm/index'] },
  //   { root: 'coupons-center', pages: [...] }, { root: 'content', pages: [...] },
  //   { root: 'meetings', pages: [...] }, { root: 'pay', pages: [...] },
  // and are added when there is a page to put in them (WeChat rejects a subpackage without pages).
  pages: ['pages/home/index', 'pages/appointments/index', 'pages/coupons/index', 'pages/me/index'],
  subPackages: [
    // Booking, paying the deposit, and one appointment's details (cancel, reschedule, check-in QR).
    { root: 'subpackages/booking', pages: ['pages/book/index', 'pages/detail/index'] },
    // A campaign's landing page: its mini-program code opens exactly `subpackages/campaign/index`
    // (CAMPAIGN_LANDING_PAGE in shared/src/campaigns.ts).
    { root: 'subpackages/campaign', pages: ['index'] },
    // One of my coupons: its QR to show at the clinic.
    { root: 'subpackages/coupons', pages: ['pages/detail/index'] },
    // One article or video, at exactly the path shares open (CONTENT_DETAIL_PAGE in shared/src/content.ts).
    { root: 'subpackages/content', pages: ['pages/detail/index'] },
    // Meetings: list, detail (reminders open it), my meetings, check-in (the venue code opens exactly
    // `pages/checkin/index`, MEETING_PAGES in shared/src/meetings.ts) and the post-meeting survey.
    {
      root: 'subpackages/meetings',
      pages: [
        'pages/list/index',
        'pages/detail/index',
        'pages/mine/index',
        'pages/checkin/index',
        'pages/survey/index',
      ],
    },
  ],
  window: {
    navigationBarTitleText: 'CareLoop',
    navigationBarBackgroundColor: '#ffffff',
    navigationBarTextStyle: 'black',
    backgroundColor: '#f5f6f7',
    backgroundTextStyle: 'light',
  },
  tabBar: {
    color: '#7a7e83',
    selectedColor: '#0f766e',
    backgroundColor: '#ffffff',
    borderStyle: 'black',
    list: [
      { pagePath: 'pages/home/index', text: '首页' },
      { pagePath: 'pages/appointments/index', text: '预约' },
      { pagePath: 'pages/coupons/index', text: '优惠券' },
      { pagePath: 'pages/me/index', text: '我的' },
    ],
  },
});
