import { describe, expect, it } from 'vitest';
import {
  addDays,
  appointmentSummary,
  daySummary,
  doctorLabel,
  formatAppointmentWhen,
  formatLocalDay,
  isLocalDate,
  isoWeekday,
  learnDoctorNames,
  replaceAppointment,
  scheduleColumns,
  splitUpcoming,
  templateAppliesOn,
  todayIn,
  zoneNote,
} from '../../../wecom-sidebar/src/appointments/schedule';
import type {
  DaySchedule,
  ScheduledAppointment,
  ScheduleTemplate,
} from '../../../wecom-sidebar/src/appointments/types';
import { appointment, CLINIC_ID, DOCTOR_ID, SERVICE_ID } from './fixtures';

const OTHER_DOCTOR = '65f0000000000000000000d2';
const THIRD_DOCTOR = '65f0000000000000000000d3';

function template(overrides: Partial<ScheduleTemplate> = {}): ScheduleTemplate {
  return {
    id: '65f0000000000000000000a1',
    clinicId: CLINIC_ID,
    doctorStaffId: DOCTOR_ID,
    serviceIds: [SERVICE_ID],
    weekday: 5,
    startTime: '09:00',
    endTime: '12:00',
    slotMinutes: 30,
    capacity: 1,
    validFrom: null,
    validTo: null,
    ...overrides,
  };
}

function scheduled(overrides: Partial<ScheduledAppointment> = {}): ScheduledAppointment {
  return { ...appointment(), customerName: '王小明', ...overrides };
}

function day(doctors: DaySchedule['doctors'], date = '2026-03-06'): DaySchedule {
  return {
    clinic: { id: CLINIC_ID, name: '静安旗舰店', address: '', timeZone: 'Asia/Shanghai' },
    date,
    doctors,
  };
}

describe('clinic-local days', () => {
  it('checks calendar days', () => {
    expect(isLocalDate('2026-03-06')).toBe(true);
    expect(isLocalDate('2028-02-29')).toBe(true);
    expect(isLocalDate('2026-02-29')).toBe(false);
    expect(isLocalDate('2026-3-6')).toBe(false);
    expect(isLocalDate('')).toBe(false);
  });

  it('takes today in the clinic’s zone, not the browser’s', () => {
    // 17:30 UTC on 5 March is already 6 March in Shanghai, still 5 March in New York.
    const now = new Date('2026-03-05T17:30:00.000Z');
    expect(todayIn('Asia/Shanghai', now)).toBe('2026-03-06');
    expect(todayIn('America/New_York', now)).toBe('2026-03-05');
    expect(todayIn('UTC', now)).toBe('2026-03-05');
    // An unknown zone falls back to the organisation's.
    expect(todayIn('Mars/Olympus_Mons', now)).toBe('2026-03-06');
  });

  it('counts calendar days across months, years and DST changes', () => {
    expect(addDays('2026-03-06', 1)).toBe('2026-03-07');
    expect(addDays('2026-02-28', 1)).toBe('2026-03-01');
    expect(addDays('2026-12-31', 1)).toBe('2027-01-01');
    expect(addDays('2026-01-01', -1)).toBe('2025-12-31');
    // The US springs forward on 8 March 2026: calendar arithmetic does not notice.
    expect(addDays('2026-03-07', 1)).toBe('2026-03-08');
    expect(addDays('2026-03-08', 1)).toBe('2026-03-09');
  });

  it('numbers weekdays as the templates do: 1 Monday … 7 Sunday', () => {
    expect(isoWeekday('2026-03-02')).toBe(1);
    expect(isoWeekday('2026-03-06')).toBe(5);
    expect(isoWeekday('2026-03-08')).toBe(7);
  });

  it('names days relative to the clinic’s today', () => {
    const today = '2026-03-06';
    expect(formatLocalDay('2026-03-06', today)).toBe('今天 3月6日 周五');
    expect(formatLocalDay('2026-03-07', today)).toBe('明天 3月7日 周六');
    expect(formatLocalDay('2026-03-05', today)).toBe('昨天 3月5日 周四');
    expect(formatLocalDay('2026-03-10', today)).toBe('3月10日 周二');
    expect(formatLocalDay('2027-01-04', today)).toBe('2027年1月4日 周一');
    expect(formatLocalDay('not a day', today)).toBe('not a day');
  });

  it('shows an appointment at the clinic’s local time from the API, whatever the browser’s zone', () => {
    const ny = appointment({
      clinic: { id: CLINIC_ID, name: 'Manhattan', timeZone: 'America/New_York' },
      startsAt: '2026-03-09T13:30:00.000Z',
      local: { date: '2026-03-09', time: '09:30', weekday: 1, offset: '-04:00' },
    });
    expect(formatAppointmentWhen(ny.local, '2026-03-08')).toBe('明天 3月9日 周一 09:30');
    expect(zoneNote(ny.clinic.timeZone, ny.local.offset)).toBe('UTC-04:00 America/New_York');
    expect(zoneNote('Asia/Shanghai', '+08:00')).toBe('');
  });

  it('sums up an appointment for the timeline', () => {
    expect(appointmentSummary(appointment())).toBe('洗牙 Cleaning · 2026-03-06 09:30');
    expect(appointmentSummary(appointment({ service: { id: SERVICE_ID, name: ' ' } }))).toBe('2026-03-06 09:30');
  });
});

describe('the day’s columns', () => {
  it('have one column per doctor with appointments, earliest first, and their opening hours', () => {
    const late = scheduled({ local: { date: '2026-03-06', time: '14:00', weekday: 5, offset: '+08:00' } });
    const early = scheduled();
    const columns = scheduleColumns(day([{ id: DOCTOR_ID, name: '陈杰', appointments: [late, early] }]), [
      template({ startTime: '14:00', endTime: '17:30' }),
      template(),
      template({ weekday: 4, startTime: '18:00', endTime: '20:00' }),
    ]);
    expect(columns).toHaveLength(1);
    expect(columns[0]).toMatchObject({ doctorId: DOCTOR_ID, name: '陈杰', hours: ['09:00–12:00', '14:00–17:30'] });
    expect(columns[0]!.appointments.map((item) => item.id)).toEqual([early.id, late.id]);
  });

  it('add doctors who work that day without bookings, and leave out other clinics and expired openings', () => {
    const names = new Map([[OTHER_DOCTOR, '王医生']]);
    const columns = scheduleColumns(
      day([{ id: DOCTOR_ID, name: '陈杰', appointments: [scheduled()] }]),
      [
        template({ doctorStaffId: OTHER_DOCTOR, startTime: '13:00', endTime: '15:00' }),
        template({ doctorStaffId: THIRD_DOCTOR, clinicId: '65f0000000000000000000c2' }),
        template({ doctorStaffId: THIRD_DOCTOR, validTo: '2026-03-05' }),
        template({ doctorStaffId: THIRD_DOCTOR, validFrom: '2026-03-07' }),
      ],
      names,
    );
    expect(columns.map((column) => [column.name, column.hours, column.appointments.length])).toEqual([
      ['陈杰', [], 1],
      ['王医生', ['13:00–15:00'], 0],
    ]);
  });

  it('name a doctor the page does not know by the end of the id', () => {
    expect(doctorLabel(DOCTOR_ID, new Map())).toBe('员工 …0000d1');
    expect(doctorLabel(DOCTOR_ID, new Map([[DOCTOR_ID, '陈杰']]))).toBe('陈杰');
    const columns = scheduleColumns(day([{ id: DOCTOR_ID, name: '', appointments: [] }]), []);
    expect(columns[0]!.name).toBe('员工 …0000d1');
  });

  it('apply a template on its weekday within its validity only', () => {
    expect(templateAppliesOn(template(), '2026-03-06')).toBe(true);
    expect(templateAppliesOn(template(), '2026-03-07')).toBe(false);
    expect(templateAppliesOn(template({ validFrom: '2026-03-06', validTo: '2026-03-06' }), '2026-03-06')).toBe(true);
    expect(templateAppliesOn(template({ validFrom: '2026-03-13' }), '2026-03-06')).toBe(false);
  });

  it('are summed up by status', () => {
    const statuses = ['confirmed', 'confirmed', 'arrived', 'no_show', 'held', 'cancelled', 'expired'] as const;
    const summary = daySummary(
      day([{ id: DOCTOR_ID, name: '陈杰', appointments: statuses.map((status) => scheduled({ status })) }]),
    );
    expect(summary).toEqual({ booked: 5, waiting: 2, arrived: 1, noShow: 1, unpaid: 1, cancelled: 2 });
  });

  it('teach the page the doctors’ names', () => {
    const names = learnDoctorNames(
      day([
        { id: DOCTOR_ID, name: '陈杰', appointments: [] },
        { id: OTHER_DOCTOR, name: '', appointments: [] },
      ]),
      new Map([[THIRD_DOCTOR, '李娜']]),
    );
    expect([...names]).toEqual([
      [THIRD_DOCTOR, '李娜'],
      [DOCTOR_ID, '陈杰'],
    ]);
  });
});

describe('the sidebar’s list', () => {
  it('splits upcoming from past appointments, keeping the API’s order', () => {
    const now = new Date('2026-03-06T02:00:00.000Z');
    const soon = appointment({ startsAt: '2026-03-06T06:00:00.000Z' });
    const later = appointment({ startsAt: '2026-03-10T06:00:00.000Z' });
    const recent = appointment({ startsAt: '2026-03-06T01:30:00.000Z' });
    const old = appointment({ startsAt: '2026-01-06T01:30:00.000Z' });
    const groups = splitUpcoming([soon, later, recent, old], now);
    expect(groups.upcoming.map((item) => item.id)).toEqual([soon.id, later.id]);
    expect(groups.past.map((item) => item.id)).toEqual([recent.id, old.id]);
  });

  it('puts the server’s answer in place of the appointment it changed', () => {
    const a = appointment();
    const b = appointment();
    const next = replaceAppointment([a, b], { ...b, status: 'arrived' });
    expect(next.map((item) => [item.id, item.status])).toEqual([
      [a.id, 'confirmed'],
      [b.id, 'arrived'],
    ]);
  });
});
