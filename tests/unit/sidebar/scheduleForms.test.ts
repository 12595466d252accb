import { describe, expect, it } from 'vitest';
import {
  buildExceptionRequest,
  buildTemplateRequest,
  emptyTemplateDraft,
  overlappingTemplate,
  slotCount,
  type TemplateDraft,
} from '../../../wecom-sidebar/src/appointments/templateForm';
import type { ScheduleTemplate } from '../../../wecom-sidebar/src/appointments/types';
import { CLINIC_ID, DOCTOR_ID, SERVICE_ID } from './fixtures';

const OTHER_CLINIC = '65f0000000000000000000c2';
const OTHER_DOCTOR = '65f0000000000000000000d2';

const draft = (overrides: Partial<TemplateDraft> = {}): TemplateDraft => ({
  ...emptyTemplateDraft(DOCTOR_ID),
  serviceIds: [SERVICE_ID],
  ...overrides,
});

const existing = (overrides: Partial<ScheduleTemplate> = {}): ScheduleTemplate => ({
  id: '65f0000000000000000000a1',
  clinicId: CLINIC_ID,
  doctorStaffId: DOCTOR_ID,
  serviceIds: [SERVICE_ID],
  weekday: 1,
  startTime: '14:00',
  endTime: '17:30',
  slotMinutes: 30,
  capacity: 1,
  validFrom: null,
  validTo: null,
  ...overrides,
});

/** The field errors of a refused form ({} when it was accepted). */
const errorsOf = <E>(result: { ok: true } | { ok: false; errors: E }): Partial<E> => (result.ok ? {} : result.errors);

describe('the template form', () => {
  it('builds the request the BFF expects', () => {
    const result = buildTemplateRequest(
      CLINIC_ID,
      draft({
        weekday: '3',
        startTime: '18:00',
        endTime: '20:00',
        slotMinutes: ' 40 ',
        capacity: '2',
        serviceIds: [SERVICE_ID, SERVICE_ID],
        validFrom: '2026-04-01',
      }),
    );
    expect(result).toEqual({
      ok: true,
      request: {
        clinicId: CLINIC_ID,
        doctorStaffId: DOCTOR_ID,
        serviceIds: [SERVICE_ID],
        weekday: 3,
        startTime: '18:00',
        endTime: '20:00',
        slotMinutes: 40,
        capacity: 2,
        validFrom: '2026-04-01',
        validTo: null,
      },
    });
  });

  it('needs a doctor, a weekday, hours in order, and at least one service', () => {
    const errors = errorsOf(
      buildTemplateRequest(
        CLINIC_ID,
        draft({ doctorStaffId: '', weekday: '8', startTime: '12:00', endTime: '09:00', serviceIds: [] }),
      ),
    );
    expect(Object.keys(errors).sort()).toEqual(['doctorStaffId', 'endTime', 'serviceIds', 'weekday']);
    expect(errors.endTime).toContain('结束时间须晚于开始时间');
    expect(errorsOf(buildTemplateRequest(CLINIC_ID, draft({ doctorStaffId: 'chenjie' }))).doctorStaffId).toContain(
      '无效',
    );
    expect(errorsOf(buildTemplateRequest(CLINIC_ID, draft({ startTime: '9:00', endTime: '' })))).toMatchObject({
      startTime: expect.any(String),
      endTime: expect.any(String),
    });
  });

  it('keeps slot length and capacity within the BFF’s limits, and the opening at least one slot long', () => {
    for (const slotMinutes of ['4', '481', '', '30.5', '-30', 'abc']) {
      expect(errorsOf(buildTemplateRequest(CLINIC_ID, draft({ slotMinutes }))).slotMinutes).toBeDefined();
    }
    for (const capacity of ['0', '101', '', '1.5']) {
      expect(errorsOf(buildTemplateRequest(CLINIC_ID, draft({ capacity }))).capacity).toBeDefined();
    }
    const short = buildTemplateRequest(CLINIC_ID, draft({ startTime: '09:00', endTime: '09:20', slotMinutes: '30' }));
    expect(errorsOf(short).slotMinutes).toContain('放不下一个号');
    expect(buildTemplateRequest(CLINIC_ID, draft({ slotMinutes: '5', capacity: '100' })).ok).toBe(true);
    expect(
      buildTemplateRequest(CLINIC_ID, draft({ startTime: '00:00', endTime: '08:00', slotMinutes: '480' })).ok,
    ).toBe(true);
  });

  it('checks the validity dates', () => {
    expect(errorsOf(buildTemplateRequest(CLINIC_ID, draft({ validFrom: '2026-02-30' }))).validFrom).toBeDefined();
    expect(
      errorsOf(buildTemplateRequest(CLINIC_ID, draft({ validFrom: '2026-05-01', validTo: '2026-04-30' }))).validTo,
    ).toContain('不早于');
    expect(buildTemplateRequest(CLINIC_ID, draft({ validFrom: '2026-05-01', validTo: '2026-05-01' })).ok).toBe(true);
  });

  it('refuses an opening that overlaps the same doctor’s on that weekday', () => {
    const others = [existing()];
    const clash = buildTemplateRequest(CLINIC_ID, draft({ startTime: '17:00', endTime: '19:00' }), others);
    expect(errorsOf(clash).startTime).toBe('与该医生已有的排班重叠：周一 14:00–17:30');
    // Touching is not overlapping; another doctor, another weekday or another clinic is fine.
    expect(buildTemplateRequest(CLINIC_ID, draft({ startTime: '17:30', endTime: '19:00' }), others).ok).toBe(true);
    expect(
      buildTemplateRequest(
        CLINIC_ID,
        draft({ doctorStaffId: OTHER_DOCTOR, startTime: '15:00', endTime: '16:00' }),
        others,
      ).ok,
    ).toBe(true);
    expect(
      buildTemplateRequest(CLINIC_ID, draft({ weekday: '2', startTime: '15:00', endTime: '16:00' }), others).ok,
    ).toBe(true);
    expect(buildTemplateRequest(OTHER_CLINIC, draft({ startTime: '15:00', endTime: '16:00' }), others).ok).toBe(true);
  });

  it('lets openings with validity ranges apart share hours', () => {
    const spring = existing({ validFrom: '2026-03-01', validTo: '2026-05-31' });
    const summer = { doctorStaffId: DOCTOR_ID, weekday: 1, startTime: '14:00', endTime: '17:30' };
    expect(overlappingTemplate({ ...summer, validFrom: '2026-06-01', validTo: null }, [spring])).toBeNull();
    expect(overlappingTemplate({ ...summer, validFrom: '2026-05-31', validTo: null }, [spring])).toBe(spring);
    expect(overlappingTemplate({ ...summer, validFrom: null, validTo: '2026-02-28' }, [spring])).toBeNull();
    expect(overlappingTemplate({ ...summer, validFrom: null, validTo: null }, [spring])).toBe(spring);
  });

  it('counts the slots an opening makes', () => {
    expect(slotCount('09:00', '12:00', 30)).toBe(6);
    expect(slotCount('18:00', '20:00', 40)).toBe(3);
    expect(slotCount('09:00', '12:10', 30)).toBe(6);
    expect(slotCount('12:00', '09:00', 30)).toBe(0);
    expect(slotCount('09:00', '12:00', 0)).toBe(0);
    expect(slotCount('9', '12:00', 30)).toBe(0);
  });
});

describe('the exception form', () => {
  const today = '2026-03-06';

  it('closes the whole clinic or one doctor on a day to come', () => {
    expect(
      buildExceptionRequest(CLINIC_ID, { date: '2026-10-01', doctorStaffId: '', reason: ' 国庆 ' }, today),
    ).toEqual({
      ok: true,
      request: { clinicId: CLINIC_ID, doctorStaffId: null, date: '2026-10-01', reason: '国庆' },
    });
    expect(buildExceptionRequest(CLINIC_ID, { date: today, doctorStaffId: DOCTOR_ID, reason: '' }, today)).toEqual({
      ok: true,
      request: { clinicId: CLINIC_ID, doctorStaffId: DOCTOR_ID, date: today, reason: '' },
    });
  });

  it('needs a real date that has not passed, and a short reason', () => {
    expect(
      errorsOf(buildExceptionRequest(CLINIC_ID, { date: '', doctorStaffId: '', reason: '' }, today)).date,
    ).toContain('请选择日期');
    expect(
      errorsOf(buildExceptionRequest(CLINIC_ID, { date: '2026-02-30', doctorStaffId: '', reason: '' }, today)).date,
    ).toContain('无效');
    expect(
      errorsOf(buildExceptionRequest(CLINIC_ID, { date: '2026-03-05', doctorStaffId: '', reason: '' }, today)).date,
    ).toContain('已过去');
    expect(
      errorsOf(buildExceptionRequest(CLINIC_ID, { date: today, doctorStaffId: '', reason: '假'.repeat(101) }, today))
        .reason,
    ).toContain('100');
    expect(
      buildExceptionRequest(CLINIC_ID, { date: today, doctorStaffId: '', reason: '假'.repeat(100) }, today).ok,
    ).toBe(true);
    expect(
      errorsOf(buildExceptionRequest(CLINIC_ID, { date: today, doctorStaffId: 'x', reason: '' }, today)).doctorStaffId,
    ).toBeDefined();
  });
});
