import { CreateTagGroupRequest, CreateTagRequest, UpdateTagRequest, type TagDefinition } from '@careloop/shared';
import { ApiError } from '@careloop/shared/client';
import { describe, expect, it } from 'vitest';
import { EXAMPLE_RULES } from '../../../bff/src/tags/examples';
import type { AttributionLine } from '../../../wecom-sidebar/src/campaigns/attribution';
import { describeEvent } from '../../../wecom-sidebar/src/profile/eventLabels';
import { groupTagsBySource, tagChoices, type ProfileTag } from '../../../wecom-sidebar/src/tags/customerTags';
import { conditionText, ruleText } from '../../../wecom-sidebar/src/tags/describe';
import { explainTagError } from '../../../wecom-sidebar/src/tags/errors';
import { explanationHeadline, explanationLines } from '../../../wecom-sidebar/src/tags/explanation';
import { tagRoute } from '../../../wecom-sidebar/src/tags/nav';
import { isRecomputeActive, recomputeView } from '../../../wecom-sidebar/src/tags/recompute';
import {
  buildCreateTag,
  buildGroupRequest,
  buildUpdateTag,
  emptyTagDraft,
  tagDraftOf,
} from '../../../wecom-sidebar/src/tags/tagForm';
import type {
  CustomerNote,
  PropertyFilter,
  RuleCondition,
  TagExplanation,
  TagLibrary,
  TagRecompute,
} from '../../../wecom-sidebar/src/tags/types';
import { CUSTOMER_ID, STAFF_ID } from './fixtures';

const NO_SHOW = EXAMPLE_RULES.find((example) => example.key === 'no_show_6_months')!;
const TAG_ID = '65f0000000000000000000f1';
const VIP_ID = '65f0000000000000000000f2';
const GROUP_ID = '65f0000000000000000000a1';
const EVENT_ID = '65f0000000000000000000e9';

function definition(overrides: Partial<TagDefinition> = {}): TagDefinition {
  return {
    id: TAG_ID,
    groupId: null,
    name: '6个月内失约',
    colour: null,
    description: '',
    kind: 'dynamic',
    applyBy: 'all_staff',
    rule: NO_SHOW.rule,
    ruleVersion: 1,
    keywords: [],
    customers: 0,
    recompute: null,
    createdAt: '2026-03-01T00:00:00.000Z',
    updatedAt: '2026-03-01T00:00:00.000Z',
    ...overrides,
  };
}

const library: TagLibrary = {
  groups: [
    { id: GROUP_ID, name: '意向 Intent', colour: '#1f8a70', description: '', createdAt: '2026-03-01T00:00:00.000Z' },
  ],
  tags: [
    definition(),
    definition({ id: VIP_ID, name: '重点客户', kind: 'static', rule: null, applyBy: 'managers' }),
    definition({
      id: '65f0000000000000000000f3',
      name: '种植意向',
      kind: 'static',
      rule: null,
      groupId: GROUP_ID,
      keywords: ['种植'],
    }),
    definition({ id: '65f0000000000000000000f4', name: '洗牙季', kind: 'static', rule: null }),
  ],
};

function recompute(overrides: Partial<TagRecompute> = {}): TagRecompute {
  return {
    id: '65f0000000000000000000c9',
    tagId: TAG_ID,
    ruleVersion: 1,
    status: 'running',
    processed: 450,
    total: 1000,
    added: 12,
    removed: 3,
    evaluatedAt: '2026-03-05T01:00:00.000Z',
    startedAt: '2026-03-05T01:00:00.000Z',
    finishedAt: null,
    error: null,
    ...overrides,
  };
}

describe('a rule in words', () => {
  it('reads the no-show rule as a clinic would say it', () => {
    expect(ruleText(NO_SHOW.rule)).toBe('近 180 天内「预约」 ≥ 1 次，且 最近一次「预约」之后至今没有「到店」');
  });

  it('names tags, clinics and attribute values instead of ids', () => {
    const names = { tag: (id: string) => (id === VIP_ID ? '重点客户' : null), clinic: () => '静安旗舰店' };
    expect(conditionText({ type: 'tag', tagId: VIP_ID, has: false }, names)).toBe('没有标签「重点客户」');
    expect(conditionText({ type: 'attribute', field: 'clinicId', op: 'eq', value: TAG_ID }, names)).toBe(
      '所属门店 等于 静安旗舰店',
    );
    expect(conditionText({ type: 'attribute', field: 'gender', op: 'in', values: ['female', 'other'] })).toBe(
      '性别 属于 女、其他',
    );
    expect(
      ruleText({
        type: 'any',
        conditions: [
          { type: 'age', min: 30, max: 40 },
          { type: 'not', condition: { type: 'count', events: { types: ['referral.converted'] }, op: 'gt', value: 3 } },
        ],
      }),
    ).toBe('年龄 30–40 岁，或 并非累计「转介绍成功」 > 3 次');
  });

  it('says "never" for a count of zero, with the selector’s filters', () => {
    const paid = EXAMPLE_RULES.find((example) => example.key === 'arrived_not_converted')!.rule;
    expect(ruleText(paid)).toBe('累计「到店」 ≥ 1 次，且 从没有「支付」（支付用途 不属于 预约定金）');
  });

  it('names event properties and their values, and shows unknown ones as typed', () => {
    const names = { staff: (id: string) => (id === STAFF_ID ? '张伟' : null) };
    const completed = (where: PropertyFilter[]): RuleCondition => ({
      type: 'count',
      events: { types: ['task.completed'], where },
      op: 'gte',
      value: 1,
    });
    expect(conditionText(completed([{ property: 'outcome', op: 'eq', value: 'not_reached' }]))).toBe(
      '累计「完成回访任务」（回访结果 等于 未联系上） ≥ 1 次',
    );
    expect(
      conditionText(
        completed([
          { property: 'assigneeStaffId', op: 'in', values: [STAFF_ID, 'someone'] },
          { property: 'automatic', op: 'eq', value: true },
          { property: 'colour', op: 'eq', value: 'blue' },
          { property: 'outcome', op: 'eq', value: 'lost' },
          { property: 'amountFen', op: 'gt', value: 100 },
          { property: 'reason', op: 'exists' },
        ]),
        names,
      ),
    ).toBe(
      '累计「完成回访任务」（负责员工 属于 张伟、someone，自动退款 等于 是，colour 等于 blue，回访结果 等于 lost，' +
        '金额（分） 大于 100，原因 有值） ≥ 1 次',
    );
  });
});

describe('the explanation panel', () => {
  const explanation: TagExplanation = {
    tag: { id: TAG_ID, name: '6个月内失约', kind: 'dynamic' },
    customerId: CUSTOMER_ID,
    applied: true,
    source: 'rule',
    setBy: TAG_ID,
    setAt: '2026-03-05T01:00:00.000Z',
    holds: true,
    evaluatedAt: '2026-03-05T02:00:00.000Z',
    timeZone: 'Asia/Shanghai',
    summary: '…',
    changesAt: '2026-09-01T16:00:00.000Z',
    conditions: {
      type: 'all',
      holds: true,
      text: '同时满足以下 2 项（成立 2 项）',
      events: [],
      missing: null,
      changesAt: null,
      children: [
        {
          type: 'count',
          holds: true,
          text: '近 180 天内「预约」≥ 1 次（实际 1 次）',
          value: 1,
          events: [{ id: EVENT_ID, type: 'appointment.booked', occurredAt: '2026-03-04T02:00:00.000Z' }],
          missing: null,
          changesAt: '2026-09-01T16:00:00.000Z',
          children: [],
        },
        {
          type: 'absence',
          holds: true,
          text: '最近一次「预约」（2026-03-04）之后至今没有「到店」',
          value: { anchor: '2026-03-04T02:00:00.000Z', followUp: null },
          events: [{ id: EVENT_ID, type: 'appointment.booked', occurredAt: '2026-03-04T02:00:00.000Z' }],
          missing: { types: ['appointment.arrived'], from: '2026-03-04T02:00:00.000Z', to: '2026-03-05T02:00:00.000Z' },
          changesAt: null,
          children: [],
        },
      ],
    },
  };

  it('words each condition from the rule, with what it found, the events that satisfied it and what is missing', () => {
    const lines = explanationLines(explanation.conditions, NO_SHOW.rule);
    expect(lines.map((line) => [line.depth, line.type, line.holds])).toEqual([
      [0, 'all', true],
      [1, 'count', true],
      [1, 'absence', true],
    ]);
    expect(lines[1]).toMatchObject({
      title: '近 180 天内「预约」 ≥ 1 次',
      found: '实际 1 次',
      events: [{ id: EVENT_ID, label: '预约', at: '2026-03-04T02:00:00.000Z' }],
      missing: null,
    });
    expect(lines[2]!.title).toBe('最近一次「预约」之后至今没有「到店」');
    expect(lines[2]!.found).toBe('最近一次在 2026-03-04 10:00');
    expect(lines[2]!.missing).toBe('2026-03-04 10:00 至 2026-03-05 10:00 没有「到店」');
    expect(lines[0]!.found).toBe('2 / 2 项成立');
  });

  it('falls back to the server’s words when the rule has another shape (edited since)', () => {
    const lines = explanationLines(explanation.conditions, { type: 'age', min: 18 });
    expect(lines[0]!.title).toBe('同时满足以下 2 项（成立 2 项）');
    expect(lines[1]!.title).toBe('近 180 天内「预约」≥ 1 次（实际 1 次）');
  });

  it('says whether the tag applies now, and when the tag is about to follow the rule', () => {
    expect(explanationHeadline(explanation)).toBe('「6个月内失约」当前符合规则，因此已打上。');
    expect(explanationHeadline({ ...explanation, holds: false })).toBe(
      '「6个月内失约」当前不符合规则，标签将随之移除。',
    );
    expect(
      explanationHeadline(
        { ...explanation, tag: { ...explanation.tag, kind: 'static' }, source: 'manual', holds: null },
        '张伟',
      ),
    ).toBe('「6个月内失约」由手动添加 · 张伟（2026-03-05 09:00）。');
  });
});

describe('recompute progress', () => {
  it('shows a running recompute as a percentage with its counts, and keeps polling', () => {
    const view = recomputeView(recompute());
    expect(view).toMatchObject({ active: true, percent: 45, label: '计算中 45%' });
    expect(view.detail).toBe('已处理 450 / 1000 位客户 · 新增 12 · 移除 3');
  });

  it('stops polling when done or failed, and a finished run is 100%', () => {
    const done = recomputeView(recompute({ status: 'done', processed: 1000, finishedAt: '2026-03-05T01:01:00.000Z' }));
    expect(done).toMatchObject({ active: false, percent: 100, label: '已完成' });
    expect(done.detail).toContain('完成于 2026-03-05 09:01');
    expect(isRecomputeActive(recompute({ status: 'failed', error: 'boom' }))).toBe(false);
    expect(recomputeView(recompute({ status: 'pending', processed: 0, total: 0 })).detail).toContain('正在统计客户');
  });
});

describe('the tag form', () => {
  it('creates a static tag with its keywords, and a dynamic one with its rule, as the schema accepts them', () => {
    const staticTag = buildCreateTag(
      {
        ...emptyTagDraft(),
        name: ' 种植  意向 ',
        keywords: '种植，implant、种植',
        colour: '#1F8A70',
        groupId: GROUP_ID,
      },
      'static',
      null,
    );
    expect(staticTag).toEqual({
      ok: true,
      request: {
        name: '种植 意向',
        groupId: GROUP_ID,
        colour: '#1f8a70',
        description: '',
        applyBy: 'all_staff',
        kind: 'static',
        keywords: ['种植', 'implant'],
      },
    });
    expect(CreateTagRequest.safeParse(staticTag.ok && staticTag.request).success).toBe(true);
    const dynamic = buildCreateTag({ ...emptyTagDraft(), name: '6个月内失约' }, 'dynamic', NO_SHOW.rule);
    expect(dynamic.ok && dynamic.request).toMatchObject({ kind: 'dynamic', rule: NO_SHOW.rule });
    expect(CreateTagRequest.safeParse(dynamic.ok && dynamic.request).success).toBe(true);
  });

  it('refuses a taken name, a bad colour, keywords on a dynamic tag and a dynamic tag without a rule', () => {
    const taken = buildCreateTag({ ...emptyTagDraft(), name: '重点客户', colour: 'red' }, 'static', null, ['重点客户']);
    expect(taken.ok ? {} : taken.errors).toMatchObject({
      name: expect.stringContaining('已有'),
      colour: expect.any(String),
    });
    const keywords = buildCreateTag({ ...emptyTagDraft(), name: 'x', keywords: 'a' }, 'dynamic', NO_SHOW.rule);
    expect(keywords.ok ? {} : keywords.errors).toHaveProperty('keywords');
    const noRule = buildCreateTag({ ...emptyTagDraft(), name: 'x' }, 'dynamic', null);
    expect(noRule.ok ? {} : noRule.errors).toHaveProperty('rule');
  });

  it('sends only what changed, and the rule only when it differs (so no needless recompute)', () => {
    const tag = definition({ description: 'No-show' });
    const same = buildUpdateTag(tagDraftOf(tag), tag, structuredClone(NO_SHOW.rule));
    expect(same).toEqual({ ok: true, request: {} });
    const newRule = {
      ...NO_SHOW.rule,
      conditions: [...(NO_SHOW.rule as { conditions: unknown[] }).conditions].slice(0, 1),
    };
    const changed = buildUpdateTag({ ...tagDraftOf(tag), description: 'Booked, never came' }, tag, newRule as never);
    expect(changed).toEqual({ ok: true, request: { description: 'Booked, never came', rule: newRule } });
    expect(UpdateTagRequest.safeParse(changed.ok && changed.request).success).toBe(true);
  });

  it('checks a new group’s name against the others', () => {
    expect(buildGroupRequest({ name: '意向 Intent', colour: '', description: '' }, library.groups)).toMatchObject({
      ok: false,
    });
    const made = buildGroupRequest({ name: ' 生命周期 ', colour: '#C2571A', description: '' }, library.groups);
    expect(made).toEqual({ ok: true, request: { name: '生命周期', colour: '#c2571a' } });
    expect(CreateTagGroupRequest.safeParse(made.ok && made.request).success).toBe(true);
  });
});

describe('the customer’s tags in the sidebar', () => {
  const tags: ProfileTag[] = [
    { name: '种植意向', source: 'keyword', setBy: { id: 'note1', name: null }, setAt: '2026-03-05T01:00:00.000Z' },
    { name: '重点客户', source: 'manual', setBy: { id: STAFF_ID, name: '李娜' }, setAt: '2026-03-05T01:05:00.000Z' },
    { name: '6个月内失约', source: 'rule', setBy: { id: TAG_ID, name: null }, setAt: '2026-03-05T01:10:00.000Z' },
    { name: '洗牙季', source: 'channel', setBy: null, setAt: '2026-03-05T01:15:00.000Z' },
  ];
  const notes: CustomerNote[] = [
    {
      id: 'note1',
      customerId: CUSTOMER_ID,
      text: '想了解种植牙，下周再联系她',
      staff: { id: STAFF_ID, name: '张伟' },
      tagsAdded: ['种植意向'],
      createdAt: '2026-03-05T01:00:00.000Z',
    },
  ];
  const attribution: AttributionLine[] = [
    { which: 'only', label: '来源', text: '来源: 地铁海报 · 洗牙季 · 张伟', detail: '', campaignId: 'c1' },
  ];

  it('groups them by source, each saying who, which rule, which campaign or which note', () => {
    const groups = groupTagsBySource(tags, { library, notes, attribution, roles: ['staff'] });
    expect(groups.map((group) => [group.source, group.tags.map((tag) => tag.name)])).toEqual([
      ['manual', ['重点客户']],
      ['rule', ['6个月内失约']],
      ['channel', ['洗牙季']],
      ['keyword', ['种植意向']],
    ]);
    const [manual, rule, channel, keyword] = groups.map((group) => group.tags[0]!);
    expect(manual!.provenance).toBe('手动 · 李娜 · 2026-03-05 09:05');
    expect(rule!.provenance).toBe('规则 · 按规则自动添加 · 2026-03-05 09:10');
    expect(channel!.provenance).toBe('渠道 · 活动 地铁海报 · 洗牙季 · 张伟 · 2026-03-05 09:15');
    expect(keyword!.provenance).toBe('关键词 · 张伟的备注「想了解种植牙，下周再联系…」 · 2026-03-05 09:00');
  });

  it('lets staff remove static tags but not rule tags, and managers-only tags only for managers', () => {
    const consultant = groupTagsBySource(tags, { library, roles: ['staff'] }).flatMap((group) => group.tags);
    const byName = (name: string) => consultant.find((tag) => tag.name === name)!;
    expect(byName('6个月内失约')).toMatchObject({ removable: false, explainable: true, tagId: TAG_ID });
    expect(byName('重点客户')).toMatchObject({ removable: false, explainable: false });
    expect(byName('种植意向').removable).toBe(true);
    const manager = groupTagsBySource(tags, { library, roles: ['manager'] }).flatMap((group) => group.tags);
    expect(manager.find((tag) => tag.name === '重点客户')!.removable).toBe(true);
  });

  it('offers the library’s static tags the staff member may apply, by group, without the ones already on', () => {
    expect(tagChoices(library, ['种植意向'], ['staff'])).toEqual([
      { label: '未分组', tags: [{ name: '洗牙季', description: '' }] },
    ]);
    const forManager = tagChoices(library, [], ['manager']);
    expect(forManager.map((group) => [group.label, group.tags.map((tag) => tag.name)])).toEqual([
      ['意向 Intent', ['种植意向']],
      ['未分组', ['重点客户', '洗牙季']],
    ]);
  });
});

describe('the timeline’s tag events', () => {
  it('show the tag’s name, never its library id, and how a tag came by itself', () => {
    const detail = (properties: Record<string, unknown>) =>
      describeEvent({ type: 'tag.added', properties, actor: null }).detail;
    expect(detail({ tagId: TAG_ID, name: '种植意向', source: 'manual' })).toBe('「种植意向」');
    expect(detail({ tagId: TAG_ID, name: '6个月内失约', source: 'rule' })).toBe('「6个月内失约」 · 规则');
    expect(detail({ tagId: TAG_ID })).toBe('');
    expect(detail({ tagId: 'VIP' })).toBe('「VIP」');
  });
});

describe('tag errors', () => {
  it('say what the code means for the action', () => {
    const error = (code: string, details?: unknown) => new ApiError(409, code, code, details);
    expect(explainTagError(error('TAG_NOT_MANUAL'), 'remove')).toContain('不能手动移除');
    expect(explainTagError(error('TAG_RULE_INVALID', { tags: ['失约未跟进'] }), 'save')).toContain('失约未跟进');
    expect(explainTagError(error('FORBIDDEN'), 'apply')).toContain('只有店长或管理员可以添加或移除');
    expect(explainTagError(error('TAG_NAME_TAKEN'), 'save')).toContain('TAG_NAME_TAKEN');
  });
});

describe('tag pages in the workbench', () => {
  it('find the library, a new rule and a tag in the hash', () => {
    expect(tagRoute('#tags')).toEqual({ kind: 'library' });
    expect(tagRoute('#tags/new')).toEqual({ kind: 'new' });
    expect(tagRoute(`#tags/${TAG_ID}`)).toEqual({ kind: 'tag', id: TAG_ID });
    expect(tagRoute('#tags/oops')).toEqual({ kind: 'library' });
  });
});
