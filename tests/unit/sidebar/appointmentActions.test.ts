import { createApiClient, ApiError, type HttpRequest } from '@careloop/shared/client';
import { describe, expect, it, vi } from 'vitest';
import { createCareloopApi, scheduleQuery } from '../../../wecom-sidebar/src/api/careloop';
import { safeStore } from '../../../wecom-sidebar/src/api/storage';
import { createTokenStore } from '../../../wecom-sidebar/src/api/tokens';
import {
  ActionNotAppliedError,
  performAppointmentAction,
  type AppointmentActionsApi,
} from '../../../wecom-sidebar/src/appointments/actions';
import { normaliseCheckInCode } from '../../../wecom-sidebar/src/appointments/checkIn';
import { explainAppointmentError } from '../../../wecom-sidebar/src/appointments/errors';
import { describeEvent } from '../../../wecom-sidebar/src/profile/eventLabels';
import { canManageSchedules } from '../../../wecom-sidebar/src/profile/roles';
import { pageFromHash, WORKBENCH_PAGES } from '../../../wecom-sidebar/src/workbench/nav';
import { createWecomScanner, type WwScanApi } from '../../../wecom-sidebar/src/wecom/scan';
import { appointment, CLINIC_ID, CUSTOMER_ID } from './fixtures';

function fakeApi(overrides: Partial<AppointmentActionsApi> = {}): AppointmentActionsApi {
  return {
    markArrived: vi.fn(async (id: string) => appointment({ id, status: 'arrived' })),
    markNoShow: vi.fn(async (id: string) => appointment({ id, status: 'no_show' })),
    cancelAppointment: vi.fn(async (id: string) => ({
      appointment: appointment({ id, status: 'cancelled', refundFen: 10_000 }),
      refundFen: 10_000,
    })),
    ...overrides,
  };
}

const ID = '65f2000000000000000000aa';

describe('appointment actions', () => {
  it('report what the server did', async () => {
    const api = fakeApi();
    expect(await performAppointmentAction(api, 'arrive', ID)).toMatchObject({
      appointment: { id: ID, status: 'arrived' },
      message: expect.stringContaining('已标记到店'),
    });
    expect((await performAppointmentAction(api, 'no-show', ID)).message).toContain('已标记未到');
    const cancelled = await performAppointmentAction(api, 'cancel', ID);
    expect(cancelled).toMatchObject({ refundFen: 10_000, appointment: { status: 'cancelled' } });
    expect(cancelled.message).toBe('已取消，退还定金 ¥100.00');
    expect(api.markArrived).toHaveBeenCalledWith(ID);
    expect(api.markNoShow).toHaveBeenCalledWith(ID);
    expect(api.cancelAppointment).toHaveBeenCalledWith(ID);
  });

  it('never call an action done when the server left the appointment as it was', async () => {
    // The BFF answers no-show on an appointment someone marked arrived meanwhile with 200 and the unchanged one.
    const api = fakeApi({ markNoShow: vi.fn(async (id: string) => appointment({ id, status: 'arrived' })) });
    const failure = await performAppointmentAction(api, 'no-show', ID).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(ActionNotAppliedError);
    expect((failure as ActionNotAppliedError).message).toContain('当前为「已到店」');
    expect((failure as ActionNotAppliedError).appointment.status).toBe('arrived');
  });

  it('pass the server’s errors on', async () => {
    const refused = new ApiError(
      409,
      'APPOINTMENT_NOT_CANCELLABLE',
      'An appointment that is arrived cannot be cancelled',
    );
    const api = fakeApi({ cancelAppointment: vi.fn(async () => Promise.reject(refused)) });
    await expect(performAppointmentAction(api, 'cancel', ID)).rejects.toBe(refused);
  });
});

describe('appointment errors', () => {
  it('say in words what went wrong, with the server’s code', () => {
    const forbidden = new ApiError(403, 'FORBIDDEN', 'This needs one of the roles: admin, manager');
    expect(explainAppointmentError(forbidden, 'manage')).toBe(
      '无权限：只有店长或管理员可以修改排班。 This needs one of the roles: admin, manager (FORBIDDEN)',
    );
    expect(explainAppointmentError(forbidden, 'action')).toContain('无权限');
    expect(explainAppointmentError(new ApiError(404, 'NOT_FOUND', 'Appointment not found'), 'check-in')).toContain(
      '没有找到这个预约码',
    );
    expect(
      explainAppointmentError(new ApiError(409, 'APPOINTMENT_NOT_CANCELLABLE', 'cannot be marked arrived'), 'action'),
    ).toContain('状态不允许');
    expect(explainAppointmentError(new ApiError(400, 'VALIDATION_FAILED', 'Invalid date'), 'manage')).toBe(
      '输入有误：Invalid date (VALIDATION_FAILED)',
    );
    expect(explainAppointmentError(new Error('offline'), 'action')).toBe('offline');
  });
});

describe('check-in codes', () => {
  it('take the code as typed or scanned', () => {
    expect(normaliseCheckInCode('  Q2hlY2tJbkNvZGUx \n')).toEqual({ ok: true, code: 'Q2hlY2tJbkNvZGUx' });
    expect(normaliseCheckInCode('abc_DEF-123')).toEqual({ ok: true, code: 'abc_DEF-123' });
    // Full-width characters from a Chinese input method.
    expect(normaliseCheckInCode('ＡＢＣＤ１２３４')).toEqual({ ok: true, code: 'ABCD1234' });
  });

  it('find the code in a link or a prefixed QR text', () => {
    expect(normaliseCheckInCode('https://clinic.example.com/checkin?code=Q2hlY2tJbkNvZGUx')).toEqual({
      ok: true,
      code: 'Q2hlY2tJbkNvZGUx',
    });
    expect(normaliseCheckInCode('careloop:checkin:Q2hlY2tJbkNvZGUx')).toEqual({ ok: true, code: 'Q2hlY2tJbkNvZGUx' });
  });

  it('refuse what cannot be a code before asking the server', () => {
    expect(normaliseCheckInCode('   ')).toMatchObject({ ok: false, error: expect.stringContaining('请输入') });
    expect(normaliseCheckInCode('short')).toMatchObject({ ok: false });
    expect(normaliseCheckInCode('has spaces inside it')).toMatchObject({ ok: true, code: 'hasspacesinsideit' });
    expect(normaliseCheckInCode('中文预约码中文预约码')).toMatchObject({ ok: false });
    expect(normaliseCheckInCode('https://x.example/no-code-here')).toMatchObject({ ok: false });
    expect(normaliseCheckInCode('a'.repeat(65))).toMatchObject({ ok: false });
  });
});

describe('the workbench', () => {
  it('opens the page its hash names, the day schedule otherwise', () => {
    expect(pageFromHash('')).toBe('schedule');
    expect(pageFromHash('#schedule')).toBe('schedule');
    expect(pageFromHash('#templates')).toBe('templates');
    expect(pageFromHash('#/account')).toBe('account');
    expect(pageFromHash('#templates?clinic=1')).toBe('templates');
    expect(pageFromHash('#top')).toBe('schedule');
    expect(WORKBENCH_PAGES.map((page) => page.testId)).toEqual(
      expect.arrayContaining(['nav-schedule', 'nav-templates', 'nav-account']),
    );
  });

  it('lets managers and admins change schedules, not other staff', () => {
    expect(canManageSchedules({ id: 's1', roles: ['manager'] })).toBe(true);
    expect(canManageSchedules({ id: 's1', roles: ['admin'] })).toBe(true);
    expect(canManageSchedules({ id: 's1', roles: ['staff'] })).toBe(false);
    expect(canManageSchedules(null)).toBe(false);
  });
});

describe('the appointment routes', () => {
  function setup(respond: (request: HttpRequest) => unknown = () => ({ items: [] })) {
    const requests: HttpRequest[] = [];
    const tokens = createTokenStore(
      safeStore(() => null),
      't',
    );
    tokens.set({ accessToken: 'AT', refreshToken: 'RT', expiresIn: 900 });
    const client = createApiClient({
      baseUrl: '',
      transport: async (request) => {
        requests.push(request);
        return { status: 200, body: respond(request) };
      },
      tokens,
    });
    return { api: createCareloopApi(client), requests };
  }

  it('read appointments, the day, clinics, services and templates', async () => {
    const { api, requests } = setup(() => ({ items: [appointment()] }));
    expect(await api.customerAppointments(CUSTOMER_ID)).toHaveLength(1);
    await api.daySchedule(CLINIC_ID, '2026-03-06');
    await api.clinics();
    await api.services();
    await api.scheduleTemplates(CLINIC_ID);
    expect(requests.map((r) => [r.method, r.url])).toEqual([
      ['GET', `/api/staff/customers/${CUSTOMER_ID}/appointments`],
      ['GET', `/api/staff/schedule?clinicId=${CLINIC_ID}&date=2026-03-06`],
      ['GET', '/api/staff/clinics'],
      ['GET', '/api/staff/services'],
      ['GET', `/api/staff/schedule-templates?clinicId=${CLINIC_ID}`],
    ]);
    expect(scheduleQuery('a b', '2026-03-06')).toBe('clinicId=a+b&date=2026-03-06');
  });

  it('send the actions and the schedule changes', async () => {
    const { api, requests } = setup(() => ({}));
    await api.markArrived(ID);
    await api.markNoShow(ID);
    await api.cancelAppointment(ID);
    await api.checkIn('Q2hlY2tJbkNvZGUx');
    const template = {
      clinicId: CLINIC_ID,
      doctorStaffId: ID,
      serviceIds: [ID],
      weekday: 3,
      startTime: '18:00',
      endTime: '20:00',
      slotMinutes: 40,
      capacity: 2,
      validFrom: null,
      validTo: null,
    };
    await api.createScheduleTemplate(template);
    await api.createScheduleException({ clinicId: CLINIC_ID, doctorStaffId: null, date: '2026-10-01', reason: '国庆' });
    expect(requests.map((r) => [r.method, r.url, r.body])).toEqual([
      ['POST', `/api/staff/appointments/${ID}/arrive`, undefined],
      ['POST', `/api/staff/appointments/${ID}/no-show`, undefined],
      ['POST', `/api/staff/appointments/${ID}/cancel`, undefined],
      ['POST', '/api/staff/appointments/check-in', { code: 'Q2hlY2tJbkNvZGUx' }],
      ['POST', '/api/staff/schedule-templates', template],
      [
        'POST',
        '/api/staff/schedule-exceptions',
        { clinicId: CLINIC_ID, doctorStaffId: null, date: '2026-10-01', reason: '国庆' },
      ],
    ]);
  });
});

describe('scanning with the WeCom client', () => {
  const wecom = { corpId: 'ww-corp', agentId: '1000002' };
  const signature = { timestamp: 1, nonceStr: 'n', signature: 's' };

  function fakeWw(results: ({ resultStr?: string } | Error)[]) {
    const calls: string[] = [];
    const ww: WwScanApi = {
      register: vi.fn((options) => {
        calls.push(`register:${options.jsApiList?.join(',')}`);
      }),
      scanQRCode: vi.fn(async () => {
        calls.push('scan');
        const next = results.shift();
        if (next instanceof Error) throw next;
        return next ?? {};
      }),
    };
    return { ww, calls };
  }

  it('registers once and returns what was scanned', async () => {
    const { ww, calls } = fakeWw([{ resultStr: ' Q2hlY2tJbkNvZGUx ' }, { resultStr: 'second-code-1' }]);
    const scan = createWecomScanner({ ww, wecom, sign: async () => signature });
    expect(await scan()).toBe('Q2hlY2tJbkNvZGUx');
    expect(await scan()).toBe('second-code-1');
    expect(calls).toEqual(['register:scanQRCode', 'scan', 'scan']);
  });

  it('fails clearly when the scan gives nothing, fails, or never answers', async () => {
    const { ww } = fakeWw([{}, Object.assign(new Error('scanQRCode:cancel'))]);
    const scan = createWecomScanner({ ww, wecom, sign: async () => signature });
    await expect(scan()).rejects.toThrow('没有扫描到内容');
    await expect(scan()).rejects.toThrow('scanQRCode:cancel');

    vi.useFakeTimers();
    try {
      const hanging: WwScanApi = { register: () => undefined, scanQRCode: () => new Promise(() => undefined) };
      const pending = createWecomScanner({ ww: hanging, wecom, sign: async () => signature, timeoutMs: 1_000 })();
      const settled = expect(pending).rejects.toThrow('没有响应');
      await vi.advanceTimersByTimeAsync(1_001);
      await settled;
    } finally {
      vi.useRealTimers();
    }
  });
});

describe('appointment events on the timeline', () => {
  it('say which appointment when the page knows it', () => {
    const event = { type: 'appointment.arrived', properties: { appointmentId: ID }, actor: null };
    const known = (id: string) => (id === ID ? '洗牙 Cleaning · 2026-03-06 09:30' : null);
    expect(describeEvent(event, () => null, known)).toEqual({
      label: '到店',
      detail: '洗牙 Cleaning · 2026-03-06 09:30',
      actor: null,
    });
    expect(describeEvent({ ...event, type: 'appointment.cancelled' }, () => null, known).detail).toContain('洗牙');
    expect(describeEvent(event).detail).toBe('');
    expect(describeEvent({ ...event, properties: {} }, () => null, known).detail).toBe('');
  });
});
