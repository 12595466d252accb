import { Text, View } from '@tarojs/components';
import QrCode from '../../../components/QrCode';

/** My check-in code as a QR for staff to scan at the desk (when the venue code cannot be scanned). */
export default function CheckInCode({ code }: { code: string }) {
  return (
    <View className="meeting-code">
      <View data-testid="checkin-qr" data-code={code}>
        <QrCode className="meeting-code__qr" text={code} />
      </View>
      <Text className="meeting-code__hint">到场后扫描会场签到码签到，或向工作人员出示此二维码</Text>
    </View>
  );
}
