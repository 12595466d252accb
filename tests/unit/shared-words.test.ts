/**
 * One word list (`@careloop/shared/words`) for the server's tag explanations and the sidebar's rule text and
 * timeline: the same event, property, value, attribute and operator words on both sides.
 */
import type { EventSelector, RuleCondition } from '@careloop/shared';
import { describe, expect, it } from 'vitest';
import { attributeWords, selectorWords } from '../../bff/src/tags/words';
import { describeEvent } from '../../wecom-sidebar/src/profile/eventLabels';
import { conditionText, selectorText } from '../../wecom-sidebar/src/tags/describe';

describe('shared words', () => {
  it('words an event selector with filters alike on the server and in the sidebar', () => {
    const selector: EventSelector = {
      types: ['payment.paid', 'task.completed'],
      where: [
        { property: 'purpose', op: 'notIn', values: ['appointment_deposit', 'meeting_fee'] },
        { property: 'outcome', op: 'eq', value: 'rebooked' },
        { property: 'via', op: 'eq', value: 'contact_me' },
        { property: 'automatic', op: 'eq', value: true },
        { property: 'reason', op: 'exists' },
      ],
    };
    const expected =
      '「支付」或「完成回访任务」（支付用途 不属于 预约定金、会议报名费，回访结果 等于 已再次预约，' +
      '来源方式 等于 联系我二维码，自动退款 等于 是，原因 有值）';
    expect(selectorWords(selector)).toBe(expected);
    expect(selectorText(selector)).toBe(expected);
  });

  it('words an attribute condition alike on the server and in the sidebar', () => {
    const condition: RuleCondition = {
      type: 'attribute',
      field: 'hcp.verification',
      op: 'in',
      values: ['verified', 'rejected'],
    };
    const server = attributeWords(condition.field, condition.op, undefined, condition.values, 'unverified');
    expect(server).toEqual({ condition: '医生认证 属于 已认证、认证未通过', found: '待认证' });
    expect(conditionText(condition)).toBe(server.condition);
  });

  it('describes timeline details with the property value words the rules use', () => {
    const describe = (type: string, properties: Record<string, unknown>) =>
      describeEvent({ type, properties, actor: null }).detail;
    expect(describe('meeting.checked_in', { title: '种植讲座', via: 'self' })).toBe('「种植讲座」 · 扫码签到');
    expect(describe('journey.message_sent', { channel: 'sms' })).toBe('经短信');
    expect(describe('task.reassigned', { reason: 'handover' })).toBe('离职交接');
    expect(describe('tag.added', { name: '种植意向', source: 'keyword' })).toBe('「种植意向」 · 关键词');
    expect(describe('campaign.attributed', { touch: 'first' })).toBe('首次来源');
  });
});
