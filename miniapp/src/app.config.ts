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
