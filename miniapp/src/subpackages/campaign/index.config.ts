// Opened by the campaign's mini-program code (`page`: subpackages/campaign/index); shareable to friends.
export default definePageConfig({ navigationBarTitleText: '活动', enableShareAppMessage: true });
