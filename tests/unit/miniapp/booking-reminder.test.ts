import { describe, expect, it, vi } from 'vitest';
import { subscribeToAppointmentReminder } from '../../../miniapp/src/booking/reminder';

function fakeApi(templateId: string) {
  const posted: unknown[] = [];
  return {
    posted,
    api: {
      get: vi.fn(async () => ({ templates: { appointmentReminder: templateId }, credits: {} })) as never,
      post: vi.fn(async (_path: string, body: unknown) => {
        posted.push(body);
        return { templates: { appointmentReminder: templateId }, credits: { [templateId]: 1 } };
      }) as never,
    },
  };
}

describe('the appointment reminder subscription', () => {
  it('asks for the server’s template and reports what the customer allowed', async () => {
    const { api, posted } = fakeApi('tmplReminder');
    const platform = { requestSubscribeMessage: vi.fn(async (ids: string[]) => ids) };
    expect(await subscribeToAppointmentReminder(platform, api)).toBe(true);
    expect(platform.requestSubscribeMessage).toHaveBeenCalledWith(['tmplReminder']);
    expect(posted).toEqual([{ acceptedTemplateIds: ['tmplReminder'] }]);
  });

  it('tells the server nothing when the customer declines', async () => {
    const { api, posted } = fakeApi('tmplReminder');
    const platform = { requestSubscribeMessage: vi.fn(async () => []) };
    expect(await subscribeToAppointmentReminder(platform, api)).toBe(false);
    expect(posted).toEqual([]);
  });

  it('does not ask when no reminder template is configured', async () => {
    const { api } = fakeApi('');
    const platform = { requestSubscribeMessage: vi.fn(async (ids: string[]) => ids) };
    expect(await subscribeToAppointmentReminder(platform, api)).toBe(false);
    expect(platform.requestSubscribeMessage).not.toHaveBeenCalled();
  });
});
