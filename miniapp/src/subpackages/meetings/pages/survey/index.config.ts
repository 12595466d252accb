export default definePageConfig({ navigationBarTitleText: '会后问卷' });
