import { Text } from '@tarojs/components';
import { statusLabel, statusTone } from '../booking/status';
import './AppointmentStatus.scss';

/** An appointment's status as a coloured badge: 待支付, 已确认, 已到店, 未到店, 已取消, 已过期. */
export default function AppointmentStatus({ status }: { status: string }) {
  return (
    <Text className={`appointment-status appointment-status--${statusTone(status)}`} data-status={status}>
      {statusLabel(status)}
    </Text>
  );
}
