import type { Appointment, BookableService, Clinic, FreeSlot, PaymentView } from '../../../miniapp/src/booking/types';

export const clinic: Clinic = {
  id: '65a1b2c3d4e5f60718293c01',
  name: '静安旗舰店 Jing’an',
  address: '上海市静安区南京西路 1266 号',
  timeZone: 'Asia/Shanghai',
};

export const implant: BookableService = {
  id: '65a1b2c3d4e5f60718293d02',
  name: '种植咨询 Implant consultation',
  description: '医生面诊与方案，需付定金',
  durationMinutes: 30,
  depositFen: 10_000,
  fullRefundHoursBefore: 24,
  lateRefundPercent: 50,
};

export const cleaning: BookableService = {
  id: '65a1b2c3d4e5f60718293d01',
  name: '洗牙 Cleaning',
  description: '超声波洁牙与抛光',
  durationMinutes: 30,
  depositFen: 0,
  fullRefundHoursBefore: 24,
  lateRefundPercent: 0,
};

let slotCounter = 0;

/** A free slot on a clinic-local date and time (Shanghai, UTC+8). */
export function slot(date: string, time: string, overrides: Partial<FreeSlot> = {}): FreeSlot {
  slotCounter += 1;
  const startsAt = new Date(`${date}T${time}:00+08:00`);
  return {
    id: `65a1b2c3d4e5f6071829${String(slotCounter).padStart(4, '0')}`,
    startsAt: startsAt.toISOString(),
    endsAt: new Date(startsAt.getTime() + 30 * 60_000).toISOString(),
    local: { date, time, weekday: 4, offset: '+08:00' },
    doctor: { id: '65a1b2c3d4e5f60718293e01', name: '陈杰' },
    remaining: 1,
    ...overrides,
  };
}

export function appointment(overrides: Partial<Appointment> = {}): Appointment {
  return {
    id: '65a1b2c3d4e5f60718293f01',
    customerId: '65a1b2c3d4e5f60718293a4b',
    status: 'held',
    clinic: { id: clinic.id, name: clinic.name, timeZone: clinic.timeZone },
    service: { id: implant.id, name: implant.name },
    doctorStaffId: '65a1b2c3d4e5f60718293e01',
    startsAt: '2025-11-27T01:00:00.000Z',
    endsAt: '2025-11-27T01:30:00.000Z',
    local: { date: '2025-11-27', time: '09:00', weekday: 4, offset: '+08:00' },
    note: '',
    depositFen: 10_000,
    paymentId: '65a1b2c3d4e5f60718293b01',
    holdExpiresAt: '2025-11-26T02:15:00.000Z',
    refundFen: null,
    checkInCode: 'AbCdEfGhIjKlMnOp',
    ...overrides,
  };
}

export function payment(overrides: Partial<PaymentView> = {}): PaymentView {
  return {
    id: '65a1b2c3d4e5f60718293b01',
    purpose: 'appointment_deposit',
    referenceId: '65a1b2c3d4e5f60718293f01',
    amountFen: 10_000,
    description: '种植咨询 Implant consultation 预约定金',
    status: 'created',
    expiresAt: '2025-11-26T02:15:00.000Z',
    paidAt: null,
    refundedFen: 0,
    refunds: [],
    ...overrides,
  };
}

/** A promise and its resolve, to hold an answer back until the test lets it through. */
export function deferred<T>() {
  let resolve!: (value: T) => void;
  let reject!: (error: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}
