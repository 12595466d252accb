import {
  CreateJourneyFromTemplateRequest,
  JourneyDefinition,
  JourneyStep,
  MigrateJourneyRequest,
} from '@careloop/shared';
import { ApiError } from '@careloop/shared/client';
import { describe, expect, it } from 'vitest';
import { buildFilters, filterDrafts, readScalar } from '../../../wecom-sidebar/src/journeys/filters';
import { readStepMap } from '../../../wecom-sidebar/src/journeys/migrate';
import {
  buildSettings,
  draftFromSettings,
  emptySettingsDraft,
  entrySummary,
  type SettingsDraft,
} from '../../../wecom-sidebar/src/journeys/settingsForm';
import { buildStep, draftFromStep, emptyStepDraft, type StepDraft } from '../../../wecom-sidebar/src/journeys/stepForm';
import {
  buildTemplateRequest,
  emptyTemplateDraft,
  templateErrorsFromError,
} from '../../../wecom-sidebar/src/journeys/templateForm';
import { stepSummary } from '../../../wecom-sidebar/src/journeys/describe';
import { branching, COUPON_TEMPLATE_ID, noShow } from './journeyFixtures';

const step = (overrides: Partial<StepDraft> & Pick<StepDraft, 'type'>) => ({
  ...emptyStepDraft(overrides.type),
  ...overrides,
});
const built = (draft: StepDraft, id = 's1') => {
  const result = buildStep(draft, id);
  if (!result.ok) throw new Error(JSON.stringify(result.errors));
  return result.step;
};
const errorsOf = (draft: StepDraft) => {
  const result = buildStep(draft, 's1');
  return result.ok ? {} : result.errors;
};

describe('a step’s form', () => {
  it('makes every step of the fixtures back into itself', () => {
    for (const original of [...noShow().steps, ...branching().steps]) {
      expect(built(draftFromStep(original), original.id)).toEqual(original);
    }
  });

  it('builds each type into a step the schema accepts as it is', () => {
    const drafts: StepDraft[] = [
      step({ type: 'wait', days: '', hours: '2', untilTime: '10:00', untilWeekdays: [5, 1] }),
      step({
        type: 'branch',
        conditionEvent: 'coupon.redeemed',
        conditionWhere: [{ property: 'amountFen', op: 'gte', value: '5000' }],
        yes: 'a',
        no: '',
      }),
      step({
        type: 'branch',
        conditionKind: 'rule',
        conditionRule: '{"type":"tag","tagId":"65f0000000000000000000e1","has":true}',
      }),
      step({
        type: 'send_subscribe_message',
        template: 'care_notice',
        // A field of the template chosen before (time3) is left out.
        data: { thing1: ' 复诊 ', thing2: '{{name}}您好', time3: '明天 10:00' },
      }),
      step({ type: 'send_wecom_message', text: '{{name}}您好', dueInHours: '12', marketing: false }),
      step({ type: 'send_sms', templateCode: 'SMS_1', signName: '微笑齿科', params: 'name={{name}}' }),
      step({ type: 'issue_coupon', couponTemplateId: COUPON_TEMPLATE_ID }),
      step({ type: 'add_tag', tag: '已唤醒' }),
      step({ type: 'remove_tag', tag: '沉睡' }),
      step({
        type: 'create_task',
        title: '电话回访',
        taskType: 'post_treatment_check',
        priority: 'high',
        dueInHours: '0',
      }),
      step({ type: 'notify_staff', title: '请致谢', text: '转介绍 3 位' }),
      step({ type: 'exit', name: '结束' }),
    ];
    for (const draft of drafts) {
      const made = built(draft);
      expect(JourneyStep.parse(made)).toEqual(made);
    }
    expect(built(drafts[0]!)).toEqual({
      id: 's1',
      type: 'wait',
      next: null,
      duration: { hours: 2 },
      until: { time: '10:00', weekdays: [1, 5] },
    });
    expect(built(drafts[1]!)).toMatchObject({
      condition: {
        kind: 'event',
        event: 'coupon.redeemed',
        where: [{ property: 'amountFen', op: 'gte', value: 5000 }],
      },
      yes: 'a',
      no: null,
    });
    expect(built(drafts[3]!)).toMatchObject({
      template: 'care_notice',
      data: { thing1: '复诊', thing2: '{{name}}您好' },
    });
  });

  it('says what is missing before anything is sent', () => {
    expect(errorsOf(step({ type: 'create_task', title: ' ' }))).toEqual({ title: '请填写任务标题' });
    expect(errorsOf(step({ type: 'wait', days: '' }))).toEqual({ days: '请填写等待时长，或“等到”的时间' });
    expect(errorsOf(step({ type: 'wait', days: '1.5' }))).toEqual({ days: '请填写整数' });
    expect(errorsOf(step({ type: 'wait', untilTime: '25:00' }))).toEqual({ untilTime: '时间格式应为 HH:mm' });
    expect(errorsOf(step({ type: 'send_wecom_message', dueInHours: '721', text: 'x' }))).toEqual({
      dueInHours: '请填写 0–720 之间的整数小时',
    });
    expect(
      errorsOf(step({ type: 'send_subscribe_message', template: 'care_notice', data: { thing1: '复诊' } })),
    ).toEqual({ data: '请填写「温馨提示」' });
    expect(
      errorsOf(
        step({
          type: 'send_subscribe_message',
          template: 'coupon_expiring',
          data: { thing1: '一二三四五六七八九十一二三四五六七八九十一', thing2: '记得用' },
        }),
      ),
    ).toEqual({ data: '「优惠券名称」最多 20 个字' });
    expect(errorsOf(step({ type: 'branch', conditionKind: 'rule', conditionRule: '{' }))).toEqual({
      conditionRule: '规则须为 JSON（标签规则语言）',
    });
    expect(errorsOf(step({ type: 'add_tag', tag: '一二三四五六七八九十一二三四五六七八九十一' }))).toEqual({
      tag: '标签最多 20 个字',
    });
  });

  it('describes each step in one line for its node', () => {
    const [call, wait1, nudge, , tag] = noShow().steps;
    expect(stepSummary(call!, { staff: () => null })).toBe('电话回访「失约回访」给负责人 · 4 小时内');
    expect(stepSummary(wait1!)).toBe('等待 1 天');
    expect(stepSummary(nudge!)).toBe('请负责人转发「转发消息」');
    expect(stepSummary(tag!)).toBe('打上「失约未回」');
    expect(stepSummary(branching().steps[1]!)).toBe('进入后是否发生「预约」');
    expect(stepSummary({ id: 'w', type: 'wait', next: null, until: { weekdays: [1, 3], time: '10:00' } })).toBe(
      '等到周一、周三 10:00',
    );
  });
});

describe('the entry and rules form', () => {
  const settingsOf = (draft: SettingsDraft) => {
    const result = buildSettings(draft);
    if (!result.ok) throw new Error(JSON.stringify(result.errors));
    return result.settings;
  };
  const definitionWith = (draft: SettingsDraft) => JourneyDefinition.parse({ ...noShow(), ...settingsOf(draft) });

  it('gives back the settings it was made from', () => {
    for (const definition of [noShow(), branching()]) {
      const { entry, reEntry, exitOn, quietHours, frequencyCap } = definition;
      expect(settingsOf(draftFromSettings(definition))).toEqual({ entry, reEntry, exitOn, quietHours, frequencyCap });
    }
  });

  it('builds each entry kind into a definition the schema accepts', () => {
    const base = emptySettingsDraft();
    expect(
      definitionWith({ ...base, entryKind: 'one_off', segmentId: '65f0000000000000000000d1', at: '2026-03-05T09:30' })
        .entry,
    ).toEqual({
      kind: 'one_off',
      audience: { segmentId: '65f0000000000000000000d1' },
      at: '2026-03-05T01:30:00.000Z',
    });
    expect(
      definitionWith({
        ...base,
        entryKind: 'periodic',
        audienceKind: 'rule',
        audienceRule: '{"type":"tag","tagId":"65f0000000000000000000e1","has":true}',
        cron: ' 0  10 1 */6 * ',
      }).entry,
    ).toEqual({
      kind: 'periodic',
      audience: { rule: { type: 'tag', tagId: '65f0000000000000000000e1', has: true } },
      cron: '0 10 1 */6 *',
    });
    expect(
      definitionWith({
        ...base,
        entryKind: 'key_date',
        dateKind: 'event',
        dateEvent: 'appointment.arrived',
        offsetDays: '-3',
        sendAt: '09:00',
        yearly: true,
      }).entry,
    ).toEqual({
      kind: 'key_date',
      date: { kind: 'event', event: 'appointment.arrived', property: null },
      offsetDays: -3,
      at: '09:00',
      yearly: true,
    });
    expect(
      definitionWith({ ...base, entryKind: 'key_date', dateKind: 'coupon_expiry', offsetDays: '-30' }).entry,
    ).toMatchObject({
      date: { kind: 'coupon_expiry', templateId: null },
      offsetDays: -30,
    });
  });

  it('builds the policies: re-entry after days, exits with filters, quiet hours, the cap', () => {
    const settings = settingsOf({
      ...emptySettingsDraft(),
      reEntry: 'after_days',
      reEntryDays: '180',
      exitOn: [{ event: 'tag.added', where: [{ property: 'name', op: 'in', value: '已预约，已到店' }] }],
      quiet: true,
      cap: true,
      capMax: '4',
      capDays: '30',
    });
    expect(settings).toMatchObject({
      reEntry: { policy: 'after_days', days: 180 },
      exitOn: [{ event: 'tag.added', where: [{ property: 'name', op: 'in', values: ['已预约', '已到店'] }] }],
      quietHours: { start: '21:00', end: '08:00' },
      frequencyCap: { max: 4, days: 30 },
    });
    expect(JourneyDefinition.safeParse({ ...noShow(), ...settings }).success).toBe(true);
  });

  it('keys its problems by the definition paths the server uses too', () => {
    const result = buildSettings({
      ...emptySettingsDraft(),
      entryKind: 'periodic',
      cron: '0 10 * *',
      reEntry: 'after_days',
      reEntryDays: '0',
      quiet: true,
      quietEnd: '21:00',
      cap: true,
      capMax: '51',
    });
    expect(result.ok ? {} : result.errors).toEqual({
      'entry.audience': '请选择人群',
      'entry.cron': 'cron 须为五段：分 时 日 月 周，如 0 10 1 */6 *',
      reEntry: '请填写 1–3650 之间的天数',
      quietHours: '开始与结束时间不能相同',
      frequencyCap: '条数 1–50，天数 1–90',
    });
  });

  it('says the entry in one line for the entry node', () => {
    expect(entrySummary(noShow().entry)).toBe('事件：失约');
    expect(entrySummary(branching().entry)).toBe('事件：添加标签（1 个条件）');
    expect(
      entrySummary({ kind: 'key_date', date: { kind: 'birthday' }, offsetDays: -1, at: '10:00', yearly: false }),
    ).toBe('生日前 1 天 10:00');
    expect(
      entrySummary(
        { kind: 'periodic', audience: { segmentId: '65f0000000000000000000d1' }, cron: '0 10 * * 1' },
        () => '洗牙人群',
      ),
    ).toBe('人群「洗牙人群」 · 定时 0 10 * * 1');
  });
});

describe('property filters', () => {
  it('reads numbers, booleans and lists, and leaves blank rows out', () => {
    const errors = {};
    expect(
      buildFilters(
        [
          { property: 'amountFen', op: 'gt', value: '100' },
          { property: 'first', op: 'eq', value: 'true' },
          { property: 'name', op: 'notIn', value: 'A、B, C' },
          { property: 'note', op: 'exists', value: 'ignored' },
          { property: '', op: 'eq', value: '' },
        ],
        'where',
        errors,
      ),
    ).toEqual([
      { property: 'amountFen', op: 'gt', value: 100 },
      { property: 'first', op: 'eq', value: true },
      { property: 'name', op: 'notIn', values: ['A', 'B', 'C'] },
      { property: 'note', op: 'exists' },
    ]);
    expect(errors).toEqual({});
    expect(readScalar(' 12.5 ')).toBe(12.5);
    expect(filterDrafts([{ property: 'name', op: 'in', values: ['A', 2] }])).toEqual([
      { property: 'name', op: 'in', value: 'A, 2' },
    ]);
  });

  it('names the first incomplete row', () => {
    const errors: Record<string, string> = {};
    expect(
      buildFilters(
        [
          { property: 'ok', op: 'eq', value: '1' },
          { property: '1bad', op: 'eq', value: 'x' },
          { property: 'empty', op: 'eq', value: '' },
        ],
        'where',
        errors,
      ),
    ).toEqual([{ property: 'ok', op: 'eq', value: 1 }]);
    expect(errors).toEqual({ where: '第 2 个条件：属性名须以字母开头，只含字母、数字或 _' });
  });
});

describe('making a journey from a template', () => {
  const template = {
    parameters: [
      { key: 'couponTemplateId', label: '回归券', kind: 'coupon_template' as const, required: true, default: null },
      { key: 'tag', label: '触发标签', kind: 'tag' as const, required: false, default: '种植意向' },
    ],
  };

  it('fills defaults and sends what the route accepts', () => {
    const draft = emptyTemplateDraft(template);
    expect(draft.values).toEqual({ couponTemplateId: '', tag: '种植意向' });
    const result = buildTemplateRequest(template, {
      ...draft,
      values: { ...draft.values, couponTemplateId: COUPON_TEMPLATE_ID },
    });
    expect(result).toEqual({
      ok: true,
      request: { parameters: { couponTemplateId: COUPON_TEMPLATE_ID, tag: '种植意向' } },
    });
    if (result.ok) expect(CreateJourneyFromTemplateRequest.parse(result.request)).toEqual(result.request);
  });

  it('asks for a required parameter, and puts the server’s refusal on its field', () => {
    expect(buildTemplateRequest(template, emptyTemplateDraft(template))).toEqual({
      ok: false,
      errors: { couponTemplateId: '请填写回归券' },
    });
    const refused = new ApiError(400, 'VALIDATION_FAILED', 'Invalid body', [
      { in: 'body', path: 'parameters.couponTemplateId', code: 'required', message: 'this template needs it' },
    ]);
    expect(templateErrorsFromError(refused)).toEqual({ couponTemplateId: '这个模板需要填写此项' });
  });
});

describe('the step map of a migration', () => {
  it('reads old=new lines into what the route accepts', () => {
    const read = readStepMap('call=call2\n\n wait1 → waitA \nnudge->nudge-2');
    expect(read).toEqual({ map: { call: 'call2', wait1: 'waitA', nudge: 'nudge-2' } });
    if ('map' in read)
      expect(MigrateJourneyRequest.parse({ fromVersion: 1, stepMap: read.map }).stepMap).toEqual(read.map);
    expect(readStepMap('call=\nx=y')).toEqual({ badLine: 1 });
  });
});
