import { describe, expect, it } from 'vitest';
import { ApiError } from '@careloop/shared/client';
import type { BookingApi } from '../../../miniapp/src/booking/api';
import type { DepositPayment, DepositState } from '../../../miniapp/src/booking/deposit';
import { createBookingFlow, NOTE_MAX_LENGTH } from '../../../miniapp/src/booking/flow';
import { createState } from '../../../miniapp/src/booking/store';
import type { Appointment, FreeSlot } from '../../../miniapp/src/booking/types';
import { appointment, cleaning, clinic, deferred, implant, slot } from './booking-fixtures';

// 2025-11-26 10:00 in Shanghai.
const NOW = new Date('2025-11-26T02:00:00Z');

function fakeApi(slotsByDate: Record<string, FreeSlot[]> = {}) {
  const booked: Array<{ slotId: string; serviceId: string; note: string }> = [];
  const slotRequests: string[] = [];
  let bookAnswer: (input: { slotId: string; serviceId: string }) => Promise<Appointment> = async () => appointment();
  const api: Pick<BookingApi, 'clinics' | 'services' | 'slots' | 'book'> = {
    clinics: async () => [clinic],
    services: async () => [cleaning, implant],
    async slots(_clinicId, _serviceId, date) {
      slotRequests.push(date);
      return slotsByDate[date] ?? [];
    },
    async book(input) {
      booked.push(input);
      return bookAnswer(input);
    },
  };
  return {
    api,
    booked,
    slotRequests,
    slotsByDate,
    answerBooking(answer: typeof bookAnswer) {
      bookAnswer = answer;
    },
  };
}

/** A deposit whose outcome the test sets. */
function fakeDeposit(appointment: Appointment) {
  const state = createState<DepositState>({ status: 'ready', appointment, message: null });
  const deposit: DepositPayment & { settle(next: Partial<DepositState>): void } = {
    getState: state.getState,
    subscribe: state.subscribe,
    pay: async () => undefined,
    refresh: async () => undefined,
    holdRanOut: () => undefined,
    dispose: () => undefined,
    settle: (next) => state.set(next),
  };
  return deposit;
}

async function flowAtTime(fake = fakeApi()) {
  const deposits: ReturnType<typeof fakeDeposit>[] = [];
  const flow = createBookingFlow({
    api: fake.api,
    now: () => NOW,
    createDeposit: (booked) => {
      const made = fakeDeposit(booked);
      deposits.push(made);
      return made;
    },
  });
  await flow.start();
  await flow.chooseClinic(clinic.id);
  await flow.chooseService(implant.id);
  return { flow, deposits, fake };
}

describe('booking flow', () => {
  it('goes clinic → service → the free slots of today, in the clinic’s dates', async () => {
    const fake = fakeApi({ '2025-11-26': [slot('2025-11-26', '14:00')] });
    const flow = createBookingFlow({ api: fake.api, now: () => NOW, createDeposit: fakeDeposit });
    expect(flow.getState().step).toBe('clinic');
    await flow.start();
    expect(flow.getState().clinics).toEqual({ status: 'ready', value: [clinic] });

    await flow.chooseClinic(clinic.id);
    expect(flow.getState()).toMatchObject({ step: 'service', clinic, services: { status: 'ready' } });

    await flow.chooseService(implant.id);
    const { picker, step, service } = flow.getState();
    expect(step).toBe('time');
    expect(service).toEqual(implant);
    expect(picker?.dates).toHaveLength(14);
    expect(picker?.dates[0]).toMatchObject({ date: '2025-11-26', label: '今天' });
    expect(picker?.date).toBe('2025-11-26');
    expect(picker?.slots).toMatchObject({ status: 'ready', value: [{ local: { time: '14:00' } }] });
  });

  it('books a deposit service: held, then paying, then done once the deposit is paid', async () => {
    const tomorrow = [slot('2025-11-27', '09:00'), slot('2025-11-27', '09:30')];
    const { flow, deposits, fake } = await flowAtTime(fakeApi({ '2025-11-27': tomorrow }));
    await flow.chooseDate('2025-11-27');
    flow.chooseSlot(tomorrow[0]!.id);
    expect(flow.getState()).toMatchObject({ step: 'confirm', slot: tomorrow[0] });

    flow.setNote('  想咨询种植方案  ');
    await flow.submit();
    expect(fake.booked).toEqual([{ slotId: tomorrow[0]!.id, serviceId: implant.id, note: '想咨询种植方案' }]);
    expect(flow.getState().step).toBe('pay');
    expect(flow.getState().deposit).toBe(deposits[0]);

    // Going back is not possible while paying.
    expect(flow.back()).toBe(false);
    flow.goTo('time');
    expect(flow.getState().step).toBe('pay');

    deposits[0]!.settle({ status: 'paid', appointment: appointment({ status: 'confirmed' }) });
    expect(flow.getState().step).toBe('done');
    expect(flow.getState().appointment?.status).toBe('confirmed');
  });

  it('books a service without deposit straight to confirmed', async () => {
    const fake = fakeApi({ '2025-11-26': [slot('2025-11-26', '15:00')] });
    fake.answerBooking(async () => appointment({ status: 'confirmed', depositFen: 0, paymentId: null }));
    const flow = createBookingFlow({ api: fake.api, now: () => NOW, createDeposit: fakeDeposit });
    await flow.start();
    await flow.chooseClinic(clinic.id);
    await flow.chooseService(cleaning.id);
    flow.chooseSlot(fake.slotsByDate['2025-11-26']![0]!.id);
    await flow.submit();
    expect(flow.getState()).toMatchObject({ step: 'done', deposit: null, appointment: { status: 'confirmed' } });
  });

  it('shows the free slots again when the chosen one was just taken', async () => {
    const taken = slot('2025-11-26', '14:00');
    const other = slot('2025-11-26', '14:30');
    const fake = fakeApi({ '2025-11-26': [taken, other] });
    const { flow } = await flowAtTime(fake);
    flow.chooseSlot(taken.id);
    fake.answerBooking(async () => {
      fake.slotsByDate['2025-11-26'] = [other]; // someone else got it
      throw new ApiError(409, 'SLOT_FULL', 'This slot has just been fully booked');
    });
    await flow.submit();
    const state = flow.getState();
    expect(state.step).toBe('time');
    expect(state.slot).toBeNull();
    expect(state.notice).toEqual({ kind: 'slot-full', message: '这个时段刚刚被约满了，请选择其他时间' });
    expect(state.picker?.slots).toEqual({ status: 'ready', value: [other] });
    expect(fake.slotRequests).toEqual(['2025-11-26', '2025-11-26']);
  });

  it('says so when the patient already has an appointment at that time', async () => {
    const at = slot('2025-11-26', '16:00');
    const fake = fakeApi({ '2025-11-26': [at] });
    const { flow } = await flowAtTime(fake);
    flow.chooseSlot(at.id);
    fake.answerBooking(async () => {
      throw new ApiError(409, 'OVERLAPPING_APPOINTMENT', 'You already have an appointment at that time');
    });
    await flow.submit();
    expect(flow.getState()).toMatchObject({
      step: 'time',
      notice: { kind: 'overlap', message: '你在这个时间已有其他预约，请选择其他时间' },
    });
  });

  it('stays on the confirmation with the reason when booking fails otherwise', async () => {
    const at = slot('2025-11-26', '16:00');
    const fake = fakeApi({ '2025-11-26': [at] });
    const { flow } = await flowAtTime(fake);
    flow.chooseSlot(at.id);
    fake.answerBooking(async () => {
      throw new ApiError(0, 'NETWORK_ERROR', 'offline');
    });
    await flow.submit();
    expect(flow.getState()).toMatchObject({
      step: 'confirm',
      submitting: false,
      notice: { kind: 'error', message: '网络连接失败，请检查网络后重试' },
    });
  });

  it('shows “nothing free” as an empty day, and ignores the answer for a date the patient left', async () => {
    const fake = fakeApi({ '2025-11-28': [slot('2025-11-28', '09:00')] });
    const { flow } = await flowAtTime(fake);
    expect(flow.getState().picker?.slots).toEqual({ status: 'ready', value: [] });

    const slow = deferred<FreeSlot[]>();
    const fast = fake.api.slots;
    fake.api.slots = (clinicId, serviceId, date) =>
      date === '2025-11-27' ? slow.promise : fast(clinicId, serviceId, date);
    const leaving = flow.chooseDate('2025-11-27');
    await flow.chooseDate('2025-11-28');
    slow.resolve([slot('2025-11-27', '10:00')]);
    await leaving;
    expect(flow.getState().picker).toMatchObject({
      date: '2025-11-28',
      slots: { status: 'ready', value: [{ local: { date: '2025-11-28' } }] },
    });
  });

  it('goes back step by step, keeping the choices', async () => {
    const at = slot('2025-11-26', '16:00');
    const { flow } = await flowAtTime(fakeApi({ '2025-11-26': [at] }));
    flow.chooseSlot(at.id);
    expect(flow.back()).toBe(true);
    expect(flow.getState()).toMatchObject({ step: 'time', slot: at });
    expect(flow.back()).toBe(true);
    expect(flow.getState().step).toBe('service');
    flow.goTo('confirm');
    expect(flow.getState().step).toBe('confirm');
    flow.goTo('clinic');
    expect(flow.back()).toBe(false);
  });

  it('starts the slots afresh when another service is chosen', async () => {
    const at = slot('2025-11-26', '16:00');
    const { flow } = await flowAtTime(fakeApi({ '2025-11-26': [at] }));
    flow.chooseSlot(at.id);
    flow.goTo('service');
    await flow.chooseService(cleaning.id);
    expect(flow.getState()).toMatchObject({ step: 'time', service: cleaning, slot: null });
  });

  it('after the hold ran out, goes back to the free slots of the same date', async () => {
    const at = slot('2025-11-26', '16:00');
    const fake = fakeApi({ '2025-11-26': [at] });
    const { flow, deposits } = await flowAtTime(fake);
    flow.chooseSlot(at.id);
    await flow.submit();
    deposits[0]!.settle({ status: 'expired' });
    await flow.chooseAgain();
    expect(flow.getState()).toMatchObject({
      step: 'time',
      deposit: null,
      appointment: null,
      notice: { kind: 'hold-expired' },
      picker: { date: '2025-11-26' },
    });
  });

  it('keeps the note within the limit', async () => {
    const { flow } = await flowAtTime();
    flow.setNote('牙'.repeat(NOTE_MAX_LENGTH + 20));
    expect(Array.from(flow.getState().note)).toHaveLength(NOTE_MAX_LENGTH);
  });

  it('reports clinics that could not be loaded', async () => {
    const fake = fakeApi();
    fake.api.clinics = async () => {
      throw new ApiError(503, 'DATABASE_UNAVAILABLE', 'Database unavailable');
    };
    const flow = createBookingFlow({ api: fake.api, createDeposit: fakeDeposit });
    await flow.start();
    expect(flow.getState().clinics).toEqual({ status: 'error', message: 'Database unavailable' });
  });
});
