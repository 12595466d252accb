/**
 * The clinic SOPs of PRODUCT.md as journey templates: data, made into a journey definition from a few parameters
 * (a coupon template, an SMS template, a tag). Subscribe messages name the mini-program's templates by key
 * (`care_notice`, `coupon_expiring`), whose ids come from the configuration. A journey created from a template is
 * an ordinary draft: the manager reviews it in the builder, then enables it.
 */
import {
  JourneyDefinition,
  type JourneyDefinitionInput,
  type JourneyTemplate,
  type JourneyTemplateKey,
  type JourneyTemplateParameter,
} from '@careloop/shared';
import { AppError } from '../http/errors';

type Parameters = Record<string, string>;

interface TemplateSpec {
  key: JourneyTemplateKey;
  name: string;
  description: string;
  parameters: JourneyTemplateParameter[];
  build(parameters: Parameters): JourneyDefinitionInput;
}

const QUIET = { start: '21:00', end: '08:00' };
const BOOKING_PAGE = 'subpackages/booking/pages/book/index';

const param = (
  key: string,
  label: string,
  kind: JourneyTemplateParameter['kind'],
  defaultValue: string | null = null,
): JourneyTemplateParameter => ({ key, label, kind, required: defaultValue === null, default: defaultValue });

const tagAdded = (name: string) => ({
  kind: 'triggered' as const,
  event: 'tag.added' as const,
  where: [{ property: 'name', op: 'eq' as const, value: name }],
});

const SPECS: TemplateSpec[] = [
  {
    key: 'no_show_recovery',
    name: '失约挽回',
    description:
      '患者失约后：当天电话回访，次日请负责人在企业微信发关怀消息，三天后仍未预约则打上「失约未回」标签；一旦重新预约即退出。',
    parameters: [],
    build: () => ({
      entry: { kind: 'triggered', event: 'appointment.no_show' },
      reEntry: { policy: 'after_days', days: 30 },
      exitOn: [{ event: 'appointment.booked' }],
      quietHours: QUIET,
      start: 'call',
      steps: [
        {
          id: 'call',
          name: '失约回访电话',
          type: 'create_task',
          taskType: 'follow_up_call',
          title: '失约回访',
          script: '{{name}}您好，看到您错过了这次预约，想了解一下情况，方便的话帮您重新安排时间。',
          priority: 'high',
          dueInHours: 4,
          next: 'wait1',
        },
        { id: 'wait1', name: '等待 1 天', type: 'wait', duration: { days: 1 }, next: 'nudge' },
        {
          id: 'nudge',
          name: '企业微信关怀',
          type: 'send_wecom_message',
          title: '失约关怀消息',
          text: '{{name}}您好，上次的预约没能见到您，最近方便的话可以帮您重新预约～',
          dueInHours: 24,
          marketing: false,
          next: 'wait2',
        },
        { id: 'wait2', name: '等待 3 天', type: 'wait', duration: { days: 3 }, next: 'tag' },
        { id: 'tag', name: '标记失约未回', type: 'add_tag', tag: '失约未回', next: null },
      ],
    }),
  },
  {
    key: 'dormant_reactivation',
    name: '沉睡客户唤醒（回归券）',
    description:
      '每周一找出一年以上没有互动和消费的客户：发回归券并短信告知；两周后已用券的打上「已唤醒」，未用券的交给负责人电话回访。',
    parameters: [
      param('couponTemplateId', '回归券', 'coupon_template'),
      param('smsTemplateCode', '短信模板', 'sms_template'),
    ],
    build: (p) => ({
      entry: {
        kind: 'periodic',
        cron: '0 10 * * 1',
        audience: {
          rule: {
            type: 'last',
            events: {
              types: ['appointment.arrived', 'appointment.booked', 'payment.paid', 'page.viewed', 'content.opened'],
            },
            op: 'olderThan',
            days: 365,
          },
        },
      },
      reEntry: { policy: 'after_days', days: 180 },
      exitOn: [{ event: 'appointment.booked' }],
      quietHours: QUIET,
      frequencyCap: { max: 4, days: 30 },
      start: 'coupon',
      steps: [
        {
          id: 'coupon',
          name: '发回归券',
          type: 'issue_coupon',
          couponTemplateId: p.couponTemplateId!,
          marketing: true,
          next: 'sms',
        },
        {
          id: 'sms',
          name: '短信告知',
          type: 'send_sms',
          templateCode: p.smsTemplateCode!,
          params: { name: '{{name}}' },
          next: 'wait',
        },
        { id: 'wait', name: '等待 14 天', type: 'wait', duration: { days: 14 }, next: 'redeemed' },
        {
          id: 'redeemed',
          name: '是否已用券',
          type: 'branch',
          condition: { kind: 'event', event: 'coupon.redeemed' },
          yes: 'back',
          no: 'call',
        },
        { id: 'back', name: '标记已唤醒', type: 'add_tag', tag: '已唤醒', next: null },
        {
          id: 'call',
          name: '电话回访',
          type: 'create_task',
          taskType: 'follow_up_call',
          title: '沉睡客户回访',
          script: '{{name}}您好，好久不见，给您准备了一张回归优惠券，欢迎回来做个检查。',
          next: null,
        },
      ],
    }),
  },
  {
    key: 'cleaning_6_monthly',
    name: '半年洗牙提醒',
    description:
      '每年 1 月和 7 月，给两年内来过、近一个月没有预约的患者发洗牙提醒；一周后仍未预约，请负责人在企业微信再提醒一次。',
    parameters: [],
    build: () => ({
      entry: {
        kind: 'periodic',
        cron: '0 10 1 1,7 *',
        audience: {
          rule: {
            type: 'all',
            conditions: [
              { type: 'attribute', field: 'kind', op: 'eq', value: 'patient' },
              { type: 'last', events: { types: ['appointment.arrived'] }, op: 'within', days: 730 },
              {
                type: 'not',
                condition: { type: 'last', events: { types: ['appointment.booked'] }, op: 'within', days: 30 },
              },
            ],
          },
        },
      },
      reEntry: { policy: 'after_days', days: 150 },
      exitOn: [{ event: 'appointment.booked' }],
      quietHours: QUIET,
      start: 'remind',
      steps: [
        {
          id: 'remind',
          name: '洗牙提醒',
          type: 'send_subscribe_message',
          template: 'care_notice',
          page: BOOKING_PAGE,
          data: { thing1: '定期洗牙', thing2: '{{name}}，半年该洗牙了，欢迎预约' },
          next: 'wait',
        },
        { id: 'wait', name: '等待 7 天', type: 'wait', duration: { days: 7 }, next: 'forward' },
        {
          id: 'forward',
          name: '企业微信提醒',
          type: 'send_wecom_message',
          title: '洗牙提醒',
          text: '{{name}}您好，距离上次洁牙快半年了，建议定期洗牙，需要帮您预约吗？',
          next: null,
        },
      ],
    }),
  },
  {
    key: 'coupon_expiring_30d',
    name: '优惠券 30 天到期提醒',
    description: '优惠券到期前 30 天提醒患者使用；到期前 7 天仍未使用，请负责人在企业微信提醒。用券即退出。',
    parameters: [param('couponTemplateId', '只提醒这种券（留空：所有券）', 'coupon_template', '')],
    build: (p) => ({
      entry: {
        kind: 'key_date',
        date: { kind: 'coupon_expiry', templateId: p.couponTemplateId || null },
        offsetDays: -30,
        at: '10:00',
      },
      reEntry: { policy: 'always' },
      exitOn: [{ event: 'coupon.redeemed' }],
      quietHours: QUIET,
      start: 'remind',
      steps: [
        {
          id: 'remind',
          name: '到期提醒',
          type: 'send_subscribe_message',
          template: 'coupon_expiring',
          page: 'pages/coupons/index',
          data: { thing1: '您领取的优惠券', thing2: '30 天后到期，记得及时使用' },
          next: 'wait',
        },
        { id: 'wait', name: '等待 23 天', type: 'wait', duration: { days: 23 }, next: 'forward' },
        {
          id: 'forward',
          name: '企业微信提醒',
          type: 'send_wecom_message',
          title: '优惠券 7 天后到期',
          text: '{{name}}您好，您的优惠券还有 7 天到期，需要帮您预约使用吗？',
          next: null,
        },
      ],
    }),
  },
  {
    key: 'post_treatment_follow_up',
    name: '治疗后 1/7/30 天随访',
    description: '到店治疗后第 1、7、30 天各生成一条术后随访任务给负责人。',
    parameters: [],
    build: () => ({
      entry: { kind: 'triggered', event: 'appointment.arrived' },
      reEntry: { policy: 'always' },
      start: 'wait1',
      steps: [
        { id: 'wait1', name: '等待 1 天', type: 'wait', duration: { days: 1 }, next: 'day1' },
        {
          id: 'day1',
          name: '第 1 天随访',
          type: 'create_task',
          taskType: 'post_treatment_check',
          title: '术后第 1 天随访',
          script: '{{name}}您好，治疗后感觉怎么样？有没有疼痛或出血？',
          priority: 'high',
          next: 'wait7',
        },
        { id: 'wait7', name: '等待 6 天', type: 'wait', duration: { days: 6 }, next: 'day7' },
        {
          id: 'day7',
          name: '第 7 天随访',
          type: 'create_task',
          taskType: 'post_treatment_check',
          title: '术后第 7 天随访',
          script: '{{name}}您好，治疗一周了，恢复得如何？',
          next: 'wait30',
        },
        { id: 'wait30', name: '等待 23 天', type: 'wait', duration: { days: 23 }, next: 'day30' },
        {
          id: 'day30',
          name: '第 30 天随访',
          type: 'create_task',
          taskType: 'post_treatment_check',
          title: '术后第 30 天随访',
          script: '{{name}}您好，治疗满一个月了，需要安排复查吗？',
          next: null,
        },
      ],
    }),
  },
  {
    key: 'implant_lead_nurturing',
    name: '种植意向培育',
    description:
      '客户被打上种植意向标签后：咨询师电话沟通，两天后转发种植科普，一周后发种植咨询券，再两周生成方案跟进任务；预约即退出。',
    parameters: [
      param('couponTemplateId', '种植咨询券', 'coupon_template'),
      param('tag', '触发标签', 'tag', '种植意向'),
    ],
    build: (p) => ({
      entry: tagAdded(p.tag!),
      reEntry: { policy: 'never' },
      exitOn: [{ event: 'appointment.booked' }],
      quietHours: QUIET,
      start: 'call',
      steps: [
        {
          id: 'call',
          name: '首次沟通',
          type: 'create_task',
          taskType: 'follow_up_call',
          title: '种植意向首次沟通',
          script: '{{name}}您好，了解到您对种植牙感兴趣，想和您聊聊您的情况。',
          priority: 'high',
          dueInHours: 2,
          next: 'wait2',
        },
        { id: 'wait2', name: '等待 2 天', type: 'wait', duration: { days: 2 }, next: 'article' },
        {
          id: 'article',
          name: '转发种植科普',
          type: 'send_wecom_message',
          title: '转发种植科普',
          text: '{{name}}您好，给您分享一篇种植牙的科普文章，有问题随时问我。',
          next: 'wait5',
        },
        { id: 'wait5', name: '等待 5 天', type: 'wait', duration: { days: 5 }, next: 'coupon' },
        {
          id: 'coupon',
          name: '发种植咨询券',
          type: 'issue_coupon',
          couponTemplateId: p.couponTemplateId!,
          marketing: true,
          next: 'wait14',
        },
        { id: 'wait14', name: '等待 14 天', type: 'wait', duration: { days: 14 }, next: 'plan' },
        {
          id: 'plan',
          name: '方案跟进',
          type: 'create_task',
          taskType: 'follow_up_call',
          title: '种植方案跟进',
          script: '{{name}}您好，之前发给您的种植咨询券还可以使用，需要帮您约个面诊吗？',
          next: null,
        },
      ],
    }),
  },
  {
    key: 'referral_champion_care',
    name: '转介绍达人关怀',
    description: '客户成为转介绍达人后：打上 VIP 关怀标签，赠送感谢礼券，并立即通知负责人致谢。',
    parameters: [
      param('couponTemplateId', '感谢礼券', 'coupon_template'),
      param('tag', '触发标签', 'tag', '转介绍达人'),
    ],
    build: (p) => ({
      entry: tagAdded(p.tag!),
      reEntry: { policy: 'never' },
      start: 'vip',
      steps: [
        { id: 'vip', name: 'VIP 关怀标签', type: 'add_tag', tag: 'VIP关怀', next: 'gift' },
        { id: 'gift', name: '感谢礼券', type: 'issue_coupon', couponTemplateId: p.couponTemplateId!, next: 'thanks' },
        {
          id: 'thanks',
          name: '通知负责人致谢',
          type: 'notify_staff',
          title: '转介绍达人致谢',
          text: '{{name}}已推荐多位新客户，请致电感谢并告知感谢礼券已发放。',
          next: null,
        },
      ],
    }),
  },
  {
    key: 'post_meeting_hcp_follow_up',
    name: '会后 HCP 跟进',
    description: '医生签到参会后第二天：已填问卷的由代表致谢拜访，未填的先请代表转发问卷提醒；一周后转发会议学术资料。',
    parameters: [],
    build: () => ({
      entry: { kind: 'triggered', event: 'meeting.checked_in' },
      reEntry: { policy: 'always' },
      start: 'wait1',
      steps: [
        { id: 'wait1', name: '等待 1 天', type: 'wait', duration: { days: 1 }, next: 'survey' },
        {
          id: 'survey',
          name: '是否已填问卷',
          type: 'branch',
          condition: { kind: 'event', event: 'meeting.survey_answered' },
          yes: 'thanks',
          no: 'remind',
        },
        {
          id: 'remind',
          name: '问卷提醒',
          type: 'send_wecom_message',
          title: '会后问卷提醒',
          text: '{{name}}老师您好，感谢参会！麻烦您抽空填写一下会后问卷。',
          marketing: false,
          next: 'thanks',
        },
        {
          id: 'thanks',
          name: '会后拜访',
          type: 'create_task',
          taskType: 'follow_up_call',
          title: '会后感谢拜访',
          script: '感谢{{name}}老师参会，了解会议反馈和后续学术需求。',
          next: 'wait7',
        },
        { id: 'wait7', name: '等待 7 天', type: 'wait', duration: { days: 7 }, next: 'materials' },
        {
          id: 'materials',
          name: '转发学术资料',
          type: 'send_wecom_message',
          title: '转发会议学术资料',
          text: '{{name}}老师您好，会议的学术资料整理好了，发给您参考。',
          marketing: false,
          next: null,
        },
      ],
    }),
  },
];

const specOf = (key: JourneyTemplateKey) => SPECS.find((spec) => spec.key === key)!;

/** Placeholder values that make a template's definition parse for the gallery. */
const SAMPLE: Record<JourneyTemplateParameter['kind'], string> = {
  coupon_template: '000000000000000000000000',
  sms_template: 'SMS_TEMPLATE',
  tag: 'tag',
  text: 'text',
};

export function listJourneyTemplates(): JourneyTemplate[] {
  return SPECS.map((spec) => {
    const sample = Object.fromEntries(spec.parameters.map((p) => [p.key, p.default || SAMPLE[p.kind]]));
    const definition = JourneyDefinition.parse(spec.build(sample));
    return {
      key: spec.key,
      name: spec.name,
      description: spec.description,
      entryKind: definition.entry.kind,
      parameters: spec.parameters,
      steps: definition.steps.map((step) => ({ id: step.id, type: step.type, name: step.name ?? null })),
    };
  });
}

/** The template's definition with the given parameters (defaults for those not given). */
export function templateDefinition(
  key: JourneyTemplateKey,
  given: Parameters,
): { name: string; definition: JourneyDefinition } {
  const spec = specOf(key);
  const values: Parameters = {};
  const missing: string[] = [];
  for (const parameter of spec.parameters) {
    const value = given[parameter.key]?.trim() || parameter.default;
    if (value === null || (parameter.required && !value)) missing.push(parameter.key);
    else values[parameter.key] = value;
  }
  if (missing.length) {
    throw new AppError(
      'VALIDATION_FAILED',
      'Invalid body',
      missing.map((key) => ({
        in: 'body',
        path: `parameters.${key}`,
        code: 'required',
        message: 'this template needs it',
      })),
    );
  }
  const parsed = JourneyDefinition.safeParse(spec.build(values));
  if (!parsed.success) {
    throw new AppError(
      'VALIDATION_FAILED',
      'Invalid body',
      parsed.error.issues.map((issue) => ({
        in: 'body',
        path: 'parameters',
        code: issue.code,
        message: issue.message,
      })),
    );
  }
  return { name: spec.name, definition: parsed.data };
}
