import { Button } from '@nutui/nutui-react-taro';
import { Text, View } from '@tarojs/components';
import { useEffect } from 'react';
import { formatCountdown, remainingMs } from '../../../booking/countdown';
import { payButtonText, type DepositPayment } from '../../../booking/deposit';
import { formatFen } from '../../../booking/format';
import { useNow } from '../../../booking/useNow';
import { useStore } from '../../../booking/useStore';
import './DepositPanel.scss';

interface DepositPanelProps {
  deposit: DepositPayment;
  /** After the hold ran out: what the customer can do next (choose another time). */
  expiredAction?: { label: string; onClick(): void };
}

/** The deposit due on a held appointment: amount, the time left to pay, and the pay button (again after a miss). */
export default function DepositPanel({ deposit, expiredAction }: DepositPanelProps) {
  const state = useStore(deposit);
  const { status, appointment, message } = state;
  const waiting = status === 'ready' || status === 'cancelled' || status === 'failed' || status === 'paying';
  const now = useNow(1_000, waiting);
  const left = remainingMs(appointment.holdExpiresAt, now);

  useEffect(() => {
    if (left === 0) deposit.holdRanOut();
  }, [left, deposit]);

  if (status === 'paid') return null;

  const closed = status === 'expired' || status === 'refunded';
  return (
    <View className={`deposit-panel deposit-panel--${status}`}>
      <View className="deposit-panel__amount-row">
        <Text className="deposit-panel__label">预约定金</Text>
        <Text className="deposit-panel__amount">{formatFen(appointment.depositFen)}</Text>
      </View>
      {!closed && left !== null && (
        <Text className="deposit-panel__countdown pay-countdown">
          {left > 0 ? `请在 ${formatCountdown(left)} 内完成支付，超时预约将自动取消` : '支付时间已到'}
        </Text>
      )}
      {message && (
        <Text className={`deposit-panel__message deposit-message deposit-message--${status}`}>{message}</Text>
      )}
      {status === 'pending' ? (
        <Button className="pay-refresh" type="primary" block onClick={() => void deposit.refresh()}>
          刷新支付结果
        </Button>
      ) : closed ? (
        expiredAction && (
          <Button className="pay-choose-again" type="primary" block onClick={expiredAction.onClick}>
            {expiredAction.label}
          </Button>
        )
      ) : (
        <Button
          className="pay-deposit"
          type="primary"
          block
          loading={status === 'paying' || status === 'confirming'}
          disabled={status === 'paying' || status === 'confirming'}
          onClick={() => void deposit.pay()}
        >
          {payButtonText(state)}
        </Button>
      )}
    </View>
  );
}
