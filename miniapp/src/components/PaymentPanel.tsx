import { Button } from '@nutui/nutui-react-taro';
import { Text, View } from '@tarojs/components';
import { useEffect } from 'react';
import { formatCountdown, remainingMs } from '../booking/countdown';
import { formatFen } from '../booking/format';
import { useNow } from '../booking/useNow';
import { useStore } from '../booking/useStore';
import { awaitingPayment, payButtonLabel, type PaymentControls } from '../payments/flow';
import './PaymentPanel.scss';

export interface PaymentPanelProps {
  /** The payment flow (payments/flow.ts) of the order shown. */
  flow: PaymentControls;
  /** What is paid: "预约定金", "会议费". */
  label: string;
  amountFen: number;
  /** Until when it can be paid (ISO), or null. */
  deadline: string | null;
  /** The pay button's verb: "支付定金", "去支付". */
  action: string;
  /** What happens when time is up: "超时预约将自动取消". */
  lapse: string;
  /** Extra class names of the pay button and the message (the pages' tests find them by these). */
  buttonClassName?: string;
  messageClassName?: string;
  /** After the hold ran out: what the customer can do next. */
  expiredAction?: { label: string; onClick(): void };
}

/** An order due within a hold: amount, the time left to pay, and the pay button (again after a miss). */
export default function PaymentPanel(props: PaymentPanelProps) {
  const { flow, label, amountFen, deadline, action, lapse, expiredAction } = props;
  const { status, message } = useStore(flow);
  const now = useNow(1_000, awaitingPayment(status));
  const left = remainingMs(deadline, now);

  useEffect(() => {
    if (left === 0) flow.holdRanOut();
  }, [left, flow]);

  if (status === 'paid') return null;

  const closed = status === 'expired' || status === 'refunded';
  const amount = formatFen(amountFen);
  return (
    <View className={`payment-panel payment-panel--${status}`} data-testid="payment-panel" data-status={status}>
      <View className="payment-panel__amount-row">
        <Text className="payment-panel__label">{label}</Text>
        <Text className="payment-panel__amount">{amount}</Text>
      </View>
      {!closed && left !== null && (
        <Text className="payment-panel__countdown pay-countdown">
          {left > 0 ? `请在 ${formatCountdown(left)} 内完成支付，${lapse}` : '支付时间已到'}
        </Text>
      )}
      {message && (
        <Text
          className={`payment-panel__message pay-message pay-message--${status} ${props.messageClassName ?? ''}`}
          data-testid="pay-message"
        >
          {message}
        </Text>
      )}
      {status === 'pending' ? (
        <Button className="pay-refresh" type="primary" block onClick={() => void flow.refresh()}>
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
          className={`pay-button ${props.buttonClassName ?? ''}`}
          data-testid="pay-button"
          type="primary"
          block
          loading={status === 'paying' || status === 'confirming'}
          disabled={status === 'paying' || status === 'confirming'}
          onClick={() => void flow.pay()}
        >
          {payButtonLabel(status, action, amount)}
        </Button>
      )}
    </View>
  );
}
