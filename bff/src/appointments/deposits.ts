/** Appointment deposits through the payments domain: created at booking, confirming on payment, refunded on cancel. */
import { closePaymentOrder, createPaymentOrder, refundPayment, registerPaymentPurpose } from '../payments/service';
import type { BookingHooks, CancelHooks } from './booking';
import { confirmPaidAppointment } from './booking';

const PURPOSE = 'appointment_deposit';

// A deposit that arrives for an appointment no longer held (expired, cancelled) is refused, and so refunded.
registerPaymentPurpose(PURPOSE, {
  onPaid: (payment) => confirmPaidAppointment(payment.organisationId, payment.referenceId, payment.id),
});

/** Closes an unpaid deposit order at WeChat Pay (its hold expired or was cancelled). */
export async function closeDeposit(paymentId: string): Promise<void> {
  await closePaymentOrder(paymentId);
}

export function depositHooks(organisationId: string, customerId: string): BookingHooks & CancelHooks {
  return {
    async createDeposit({ appointmentId, amountFen, description, expiresAt }) {
      const payment = await createPaymentOrder({
        organisationId,
        customerId,
        purpose: PURPOSE,
        referenceId: appointmentId,
        amountFen,
        description,
        expiresAt,
      });
      return payment.id;
    },
    async refundDeposit({ paymentId, amountFen, reason, idempotencyKey }) {
      await refundPayment({ organisationId, paymentId, amountFen, reason, idempotencyKey });
    },
    closeDeposit,
  };
}
