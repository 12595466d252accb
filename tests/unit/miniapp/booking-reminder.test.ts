import { describe, expect, it, vi } from 'vitest';
import { subscribeToAppointmentReminder } from '../../../miniapp/src/booking/reminder';

const TEMPLATES = { appointment_reminder: 'tmplReminder', care_notice: 'tmplCare', coupon_expiring: 'tmplCoupon' };

function fakeApi() {
  const posted: unknown[] = [];
  return {
    posted,
    api: {
      post: vi.fn(async (_path: string, body: unknown) => {
        posted.push(body);
        return { templates: TEMPLATES, credits: { tmplReminder: 1 } };
      }) as never,
    },
  };
}

describe('the appointment reminder subscription', () => {
  it('asks for the appointment reminder and the care notices in one dialog, and reports what was allowed', async () => {
    const { api, posted } = fakeApi();
    const platform = { requestSubscribeMessage: vi.fn(async (ids: string[]) => ids) };
    expect(await subscribeToAppointmentReminder(platform, api, TEMPLATES)).toBe(true);
    expect(platform.requestSubscribeMessage).toHaveBeenCalledWith(['tmplReminder', 'tmplCare']);
    expect(posted).toEqual([{ acceptedTemplateIds: ['tmplReminder', 'tmplCare'] }]);
  });

  it('is not on when the customer allows only the care notices (which are still recorded)', async () => {
    const { api, posted } = fakeApi();
    const platform = { requestSubscribeMessage: vi.fn(async () => ['tmplCare']) };
    expect(await subscribeToAppointmentReminder(platform, api, TEMPLATES)).toBe(false);
    expect(posted).toEqual([{ acceptedTemplateIds: ['tmplCare'] }]);
  });

  it('tells the server nothing when the customer declines', async () => {
    const { api, posted } = fakeApi();
    const platform = { requestSubscribeMessage: vi.fn(async () => []) };
    expect(await subscribeToAppointmentReminder(platform, api, TEMPLATES)).toBe(false);
    expect(posted).toEqual([]);
  });

  it('does not ask when no template is configured', async () => {
    const { api } = fakeApi();
    const platform = { requestSubscribeMessage: vi.fn(async (ids: string[]) => ids) };
    expect(await subscribeToAppointmentReminder(platform, api, {})).toBe(false);
    expect(platform.requestSubscribeMessage).not.toHaveBeenCalled();
  });
});
