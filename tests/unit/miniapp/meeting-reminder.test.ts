import { describe, expect, it, vi } from 'vitest';
import { subscribeToMeetingReminder } from '../../../miniapp/src/meetings/reminder';

function fakeApi() {
  const posted: unknown[] = [];
  return {
    posted,
    api: {
      post: vi.fn(async (_path: string, body: unknown) => {
        posted.push(body);
        return { templates: { meeting_reminder: 'tmplReminder' }, credits: { tmplReminder: 1 } };
      }) as never,
    },
  };
}

describe('the meeting reminder subscription', () => {
  it('asks for the meeting’s template and reports what the customer allowed', async () => {
    const { api, posted } = fakeApi();
    const platform = { requestSubscribeMessage: vi.fn(async (ids: string[]) => ids) };
    expect(await subscribeToMeetingReminder(platform, api, 'tmplReminder')).toBe(true);
    expect(platform.requestSubscribeMessage).toHaveBeenCalledWith(['tmplReminder']);
    expect(posted).toEqual([{ acceptedTemplateIds: ['tmplReminder'] }]);
  });

  it('tells the server nothing when the customer declines', async () => {
    const { api, posted } = fakeApi();
    const platform = { requestSubscribeMessage: vi.fn(async () => []) };
    expect(await subscribeToMeetingReminder(platform, api, 'tmplReminder')).toBe(false);
    expect(posted).toEqual([]);
  });

  it('does not ask when the meeting names no template', async () => {
    const { api } = fakeApi();
    const platform = { requestSubscribeMessage: vi.fn(async (ids: string[]) => ids) };
    expect(await subscribeToMeetingReminder(platform, api, '')).toBe(false);
    expect(platform.requestSubscribeMessage).not.toHaveBeenCalled();
  });
});
