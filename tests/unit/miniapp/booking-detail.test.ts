import { describe, expect, it } from 'vitest';
import { ApiError } from '@careloop/shared/client';
import type { BookingApi } from '../../../miniapp/src/booking/api';
import { createAppointmentDetail } from '../../../miniapp/src/booking/detail';
import type { Appointment, FreeSlot } from '../../../miniapp/src/booking/types';
import { appointment, cleaning, implant, payment, slot } from './booking-fixtures';

const NOW = new Date('2025-11-26T02:00:00Z');
const confirmedAppointment = appointment({ status: 'confirmed', holdExpiresAt: null });

function fakeApi(initial: Appointment = confirmedAppointment, slots: Record<string, FreeSlot[]> = {}) {
  let current = initial;
  const calls: string[] = [];
  let refundFen = 10_000;
  let rescheduleError: unknown = null;
  const api: AppointmentApi = {
    async appointment() {
      calls.push('appointment');
      return current;
    },
    async payment() {
      return payment({ status: current.status === 'cancelled' ? 'refunding' : 'paid' });
    },
    services: async () => [cleaning, implant],
    async cancellationQuote() {
      calls.push('quote');
      return { refundFen };
    },
    async cancel() {
      calls.push('cancel');
      current = { ...current, status: 'cancelled', refundFen };
      return { appointment: current, refundFen };
    },
    async reschedule(_id, slotId) {
      calls.push(`reschedule ${slotId}`);
      if (rescheduleError) throw rescheduleError;
      const moved = Object.values(slots)
        .flat()
        .find((s) => s.id === slotId)!;
      current = { ...current, startsAt: moved.startsAt, local: moved.local };
      return current;
    },
    async slots(_clinic, _service, date) {
      return slots[date] ?? [];
    },
  };
  return {
    api,
    calls,
    setRefund(value: number) {
      refundFen = value;
    },
    failReschedule(error: unknown) {
      rescheduleError = error;
    },
  };
}
type AppointmentApi = Pick<
  BookingApi,
  'appointment' | 'payment' | 'services' | 'cancellationQuote' | 'cancel' | 'reschedule' | 'slots'
>;

async function loaded(fake: ReturnType<typeof fakeApi>) {
  const detail = createAppointmentDetail({ api: fake.api, id: confirmedAppointment.id, now: () => NOW });
  await detail.load();
  return detail;
}

describe('an appointment’s details', () => {
  it('loads the appointment with its payment and its service’s refund rule', async () => {
    const detail = await loaded(fakeApi());
    const state = detail.getState();
    expect(state.appointment).toEqual({ status: 'ready', value: confirmedAppointment });
    expect(state.payment?.status).toBe('paid');
    expect(state.service).toEqual(implant);
  });

  it('says why it could not be loaded', async () => {
    const fake = fakeApi();
    fake.api.appointment = async () => {
      throw new ApiError(404, 'NOT_FOUND', 'Appointment not found');
    };
    const detail = createAppointmentDetail({ api: fake.api, id: 'x' });
    await detail.load();
    expect(detail.getState().appointment).toEqual({ status: 'error', message: 'Appointment not found' });
  });
});

describe('cancelling', () => {
  it('shows the refund from the server’s quote first, and cancels only when confirmed', async () => {
    const fake = fakeApi();
    const detail = await loaded(fake);
    await detail.startCancel();
    expect(detail.getState().cancel).toEqual({
      step: 'confirm',
      refundFen: 10_000,
      text: '取消后将全额退还定金 ¥100.00，原路退回',
    });
    expect(fake.calls).not.toContain('cancel');

    await detail.confirmCancel();
    const state = detail.getState();
    expect(fake.calls).toContain('cancel');
    expect(state.cancel).toEqual({ step: 'idle' });
    expect(state.appointment).toMatchObject({ value: { status: 'cancelled', refundFen: 10_000 } });
    expect(state.toast).toEqual({ text: '预约已取消，定金 ¥100.00 将原路退还', kind: 'success' });
    expect(state.payment?.status).toBe('refunding');
  });

  it('names a late cancellation’s partial refund', async () => {
    const fake = fakeApi();
    fake.setRefund(5_000);
    const detail = await loaded(fake);
    await detail.startCancel();
    expect(detail.getState().cancel).toMatchObject({
      text: '距就诊不足 24 小时，取消后将退还定金 ¥50.00（已付 ¥100.00），原路退回',
    });
    detail.dismissCancel();
    expect(detail.getState().cancel).toEqual({ step: 'idle' });
    expect(fake.calls).not.toContain('cancel');
  });

  it('tells a patient cancelling an unpaid hold that nothing is refunded', async () => {
    const fake = fakeApi(appointment());
    fake.setRefund(0);
    const detail = await loaded(fake);
    await detail.startCancel();
    expect(detail.getState().cancel).toMatchObject({ text: '定金尚未支付，取消后无需支付，也不涉及退款' });
  });

  it('does not offer to cancel what cannot be cancelled', async () => {
    const fake = fakeApi(appointment({ status: 'arrived' }));
    const detail = await loaded(fake);
    await detail.startCancel();
    expect(detail.getState().cancel).toEqual({ step: 'idle' });
    expect(fake.calls).not.toContain('quote');
  });

  it('reports a refused cancellation and shows the appointment as it now is', async () => {
    const fake = fakeApi();
    fake.api.cancel = async () => {
      throw new ApiError(409, 'APPOINTMENT_NOT_CANCELLABLE', 'An appointment that is arrived cannot be cancelled');
    };
    const detail = await loaded(fake);
    await detail.startCancel();
    await detail.confirmCancel();
    expect(detail.getState().cancel).toEqual({
      step: 'error',
      message: '取消失败：这个预约当前的状态不能再修改，请刷新后查看',
    });
  });
});

describe('rescheduling', () => {
  const sameTime = slot('2025-11-27', '09:00', { startsAt: confirmedAppointment.startsAt });
  const later = slot('2025-11-27', '10:00');
  const nextDay = slot('2025-11-28', '14:00');

  it('offers the other free slots of the same service, from the appointment’s own date', async () => {
    const fake = fakeApi(confirmedAppointment, { '2025-11-27': [sameTime, later], '2025-11-28': [nextDay] });
    const detail = await loaded(fake);
    await detail.openReschedule();
    let reschedule = detail.getState().reschedule;
    expect(reschedule.step).toBe('choosing');
    if (reschedule.step === 'closed') throw new Error('closed');
    expect(reschedule.picker.date).toBe('2025-11-27');
    expect(reschedule.picker.slots).toEqual({ status: 'ready', value: [later] }); // not the one it has

    await detail.chooseRescheduleDate('2025-11-28');
    detail.chooseRescheduleSlot(nextDay.id);
    reschedule = detail.getState().reschedule;
    expect(reschedule).toMatchObject({ step: 'choosing', slot: nextDay });

    await detail.confirmReschedule();
    expect(fake.calls).toContain(`reschedule ${nextDay.id}`);
    expect(detail.getState()).toMatchObject({
      reschedule: { step: 'closed' },
      appointment: { value: { local: { date: '2025-11-28', time: '14:00' } } },
      toast: { text: '已改约到 11月28日 14:00', kind: 'success' },
    });
  });

  it('shows the free slots again when the new one was just taken', async () => {
    const fake = fakeApi(confirmedAppointment, { '2025-11-27': [later] });
    const detail = await loaded(fake);
    await detail.openReschedule();
    detail.chooseRescheduleSlot(later.id);
    fake.failReschedule(new ApiError(409, 'SLOT_FULL', 'full'));
    await detail.confirmReschedule();
    expect(detail.getState().reschedule).toMatchObject({
      step: 'choosing',
      slot: null,
      notice: { kind: 'slot-full' },
    });
    expect(detail.getState().appointment).toMatchObject({ value: { local: { time: '09:00' } } });
  });

  it('can be closed without moving anything', async () => {
    const fake = fakeApi(confirmedAppointment, { '2025-11-27': [later] });
    const detail = await loaded(fake);
    await detail.openReschedule();
    detail.closeReschedule();
    expect(detail.getState().reschedule).toEqual({ step: 'closed' });
    expect(fake.calls.some((call) => call.startsWith('reschedule'))).toBe(false);
  });
});
