export default definePageConfig({ navigationBarTitleText: '会议与活动', enablePullDownRefresh: true });
