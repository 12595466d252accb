/** A 360° profile to start tests from; override what a test is about. */
import type { Appointment, ConsentState, Customer360, TimelineEvent } from '@careloop/shared';

export const CUSTOMER_ID = '65f000000000000000000001';
export const OTHER_ID = '65f000000000000000000002';
export const ORG_ID = '65f0000000000000000000aa';
export const STAFF_ID = '65f0000000000000000000b1';

export function consent(overrides: Partial<ConsentState> = {}): ConsentState {
  return {
    customerId: CUSTOMER_ID,
    currentPolicyVersion: '2026-01',
    policy: null,
    policyUpToDate: false,
    marketing: null,
    history: [],
    ...overrides,
  };
}

export function profile360(overrides: Partial<Customer360> = {}, customer: Partial<Customer360['customer']> = {}) {
  const base: Customer360 = {
    customer: {
      id: CUSTOMER_ID,
      organisationId: ORG_ID,
      kind: 'patient',
      name: '王小明',
      phone: null,
      createdAt: '2026-01-10T02:00:00.000Z',
      gender: null,
      birthday: null,
      clinic: null,
      hcp: null,
      ...customer,
    },
    identities: [],
    owner: null,
    followers: [],
    tags: [],
    activity: { level: 'new', lastEventAt: null, eventsLast30Days: 0 },
    counters: {},
    consent: consent(),
    duplicates: [],
    merges: [],
  };
  return { ...base, ...overrides };
}

let seq = 0;
export function event(type: string, occurredAt: string, properties: Record<string, unknown> = {}): TimelineEvent {
  seq += 1;
  const id = (0x65f100000000 + seq).toString(16).padStart(24, '0');
  return { id, type, occurredAt, receivedAt: occurredAt, source: 'miniapp', properties, actor: null };
}

export const CLINIC_ID = '65f0000000000000000000c1';
export const DOCTOR_ID = '65f0000000000000000000d1';
export const SERVICE_ID = '65f0000000000000000000e1';

let appointmentSeq = 0;

/** A confirmed cleaning at 09:30 Shanghai time on 2026-03-06 (01:30 UTC); override what a test is about. */
export function appointment(overrides: Partial<Appointment> = {}): Appointment {
  appointmentSeq += 1;
  return {
    id: (0x65f200000000 + appointmentSeq).toString(16).padStart(24, '0'),
    customerId: CUSTOMER_ID,
    status: 'confirmed',
    clinic: { id: CLINIC_ID, name: '静安旗舰店', timeZone: 'Asia/Shanghai' },
    service: { id: SERVICE_ID, name: '洗牙 Cleaning' },
    doctorStaffId: DOCTOR_ID,
    startsAt: '2026-03-06T01:30:00.000Z',
    endsAt: '2026-03-06T02:00:00.000Z',
    local: { date: '2026-03-06', time: '09:30', weekday: 5, offset: '+08:00' },
    note: '',
    depositFen: 0,
    paymentId: null,
    holdExpiresAt: null,
    refundFen: null,
    checkInCode: 'Q2hlY2tJbkNvZGUx',
    ...overrides,
  };
}
