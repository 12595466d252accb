import { View } from '@tarojs/components';
import ComingSoon from '../../components/ComingSoon';
import ConsentPrompt from '../../components/ConsentPrompt';
import { usePageView } from '../../tracking';

export default function Appointments() {
  usePageView('预约');
  return (
    <View className="page appointments">
      <ComingSoon title="在线预约即将开放" description="开放后，您可以在这里选择门诊、医生和时间，并管理您的预约。" />
      <ConsentPrompt variant="popup" />
    </View>
  );
}
