import { View } from '@tarojs/components';
import ComingSoon from '../../components/ComingSoon';

export default function Appointments() {
  return (
    <View className="page appointments">
      <ComingSoon title="在线预约即将开放" description="开放后，您可以在这里选择门诊、医生和时间，并管理您的预约。" />
    </View>
  );
}
