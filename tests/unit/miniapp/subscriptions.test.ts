import { describe, expect, it, vi } from 'vitest';
import {
  askForTemplates,
  creditsText,
  loadSubscribeTemplates,
  reminderRows,
  resetSubscribeTemplates,
  templateIdsFor,
} from '../../../miniapp/src/subscriptions';

const TEMPLATES = {
  appointment_reminder: 'tmplA',
  meeting_reminder: 'tmplM',
  care_notice: 'tmplC',
  coupon_expiring: 'tmplE',
};

describe('subscribe-message templates in the mini-program', () => {
  it('asks only for the configured templates of the keys, at most three, each once', () => {
    expect(templateIdsFor({ care_notice: 'tmplC' }, ['appointment_reminder', 'care_notice'])).toEqual(['tmplC']);
    expect(
      templateIdsFor(TEMPLATES, [
        'coupon_expiring',
        'care_notice',
        'care_notice',
        'meeting_reminder',
        'appointment_reminder',
      ]),
    ).toEqual(['tmplE', 'tmplC', 'tmplM']);
  });

  it('opens the dialog at once (nothing awaited before it) and records only the allowed templates', async () => {
    const order: string[] = [];
    const platform = {
      requestSubscribeMessage: vi.fn(async (ids: string[]) => {
        order.push('dialog');
        return ids.filter((id) => id !== 'tmplA');
      }),
    };
    const state = { templates: TEMPLATES, credits: { tmplC: 1 } };
    const api = {
      post: vi.fn(async () => {
        order.push('post');
        return state;
      }) as never,
    };
    const pending = askForTemplates(platform, api, TEMPLATES, ['appointment_reminder', 'care_notice']);
    expect(platform.requestSubscribeMessage).toHaveBeenCalledTimes(1); // synchronously, within the tap
    expect(await pending).toEqual({ accepted: ['care_notice'], state });
    expect(order).toEqual(['dialog', 'post']);
    expect(api.post).toHaveBeenCalledWith('/api/mp/subscriptions', { acceptedTemplateIds: ['tmplC'] });
  });

  it('lists the four reminders with the credits held, and those the server has no template for', () => {
    const rows = reminderRows({
      templates: { appointment_reminder: 'tmplA', care_notice: 'tmplC' },
      credits: { tmplA: 2 },
    });
    expect(rows.map((row) => [row.key, row.title, row.credits, row.available])).toEqual([
      ['appointment_reminder', '预约提醒', 2, true],
      ['meeting_reminder', '会议开始提醒', 0, false],
      ['care_notice', '服务提醒', 0, true],
      ['coupon_expiring', '优惠券到期提醒', 0, false],
    ]);
    expect(rows.map(creditsText)).toEqual(['可接收 2 次', '暂未开通', '未订阅', '暂未开通']);
  });

  it('loads the templates once, and again after a failure', async () => {
    resetSubscribeTemplates();
    const get = vi
      .fn()
      .mockRejectedValueOnce(new Error('offline'))
      .mockResolvedValue({ templates: TEMPLATES, credits: {} });
    const api = { get: get as never };
    await expect(loadSubscribeTemplates(api)).rejects.toThrow('offline');
    expect(await loadSubscribeTemplates(api)).toEqual(TEMPLATES);
    expect(await loadSubscribeTemplates(api)).toEqual(TEMPLATES);
    expect(get).toHaveBeenCalledTimes(2);
  });
});
