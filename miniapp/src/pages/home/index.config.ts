// Pull down to refresh the content feed; the next page loads on reaching the bottom.
export default definePageConfig({
  navigationBarTitleText: '首页',
  enablePullDownRefresh: true,
  onReachBottomDistance: 80,
});
