import { type DepositPayment } from '../../../booking/deposit';
import { useStore } from '../../../booking/useStore';
import PaymentPanel from '../../../components/PaymentPanel';

interface DepositPanelProps {
  deposit: DepositPayment;
  /** After the hold ran out: what the customer can do next (choose another time). */
  expiredAction?: { label: string; onClick(): void };
}

/** The deposit due on a held appointment: amount, the time left to pay, and the pay button (again after a miss). */
export default function DepositPanel({ deposit, expiredAction }: DepositPanelProps) {
  const { appointment } = useStore(deposit);
  return (
    <PaymentPanel
      flow={deposit}
      label="预约定金"
      amountFen={appointment.depositFen}
      deadline={appointment.holdExpiresAt}
      action="支付定金"
      lapse="超时预约将自动取消"
      buttonClassName="pay-deposit"
      messageClassName="deposit-message"
      expiredAction={expiredAction}
    />
  );
}
