import { View } from '@tarojs/components';
import ComingSoon from '../../components/ComingSoon';
import ConsentPrompt from '../../components/ConsentPrompt';
import { usePageView } from '../../tracking';

export default function Coupons() {
  usePageView('优惠券');
  return (
    <View className="page coupons">
      <ComingSoon title="优惠券即将开放" description="开放后，您领取的优惠券会显示在这里，到店时出示即可使用。" />
      <ConsentPrompt variant="popup" />
    </View>
  );
}
