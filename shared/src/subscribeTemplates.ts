/**
 * Without zod, so the mini-program can import it (`@careloop/shared/subscribe-templates`).
 *
 * The mini-program's subscribe-message templates (订阅消息). A mini-program picks a few templates from WeChat's
 * public library; each has fixed keyword fields (`thing1`, `time2`, …) whose names WeChat assigns. CareLoop uses
 * four, each configured by its template id (WECHAT_*_TEMPLATE_ID): the template chosen in the WeChat console must
 * have exactly the fields listed here. Each time a customer accepts a template in `requestSubscribeMessage` they
 * grant one message (a credit) of that template.
 */
export const SUBSCRIBE_TEMPLATE_KEYS = [
  'appointment_reminder',
  'meeting_reminder',
  'care_notice',
  'coupon_expiring',
] as const;
export type SubscribeTemplateKey = (typeof SUBSCRIBE_TEMPLATE_KEYS)[number];

export interface SubscribeTemplateField {
  /** WeChat's keyword name: its type (thing, time, date, …) and number, e.g. `thing1`. */
  name: string;
  /** The keyword's Chinese label, as the template shows it. */
  label: string;
}

export interface SubscribeTemplateSpec {
  /** The template's title in WeChat's library (what the customer sees in the dialog). */
  title: string;
  /** What it is used for, for the workbench and the mini-program's "message reminders". */
  description: string;
  fields: readonly SubscribeTemplateField[];
}

export const SUBSCRIBE_TEMPLATES: Readonly<Record<SubscribeTemplateKey, SubscribeTemplateSpec>> = {
  appointment_reminder: {
    title: '预约提醒',
    description: '到店前一天提醒预约的时间和门店',
    fields: [
      { name: 'thing1', label: '服务项目' },
      { name: 'time2', label: '预约时间' },
      { name: 'thing3', label: '就诊门店' },
    ],
  },
  meeting_reminder: {
    title: '会议开始提醒',
    description: '报名的会议开始前提醒时间和地点',
    fields: [
      { name: 'thing1', label: '会议名称' },
      { name: 'time2', label: '开始时间' },
      { name: 'thing3', label: '会议地点' },
    ],
  },
  care_notice: {
    title: '服务提醒',
    description: '复诊、回访、定期检查等诊所服务提醒',
    fields: [
      { name: 'thing1', label: '服务项目' },
      { name: 'thing2', label: '温馨提示' },
    ],
  },
  coupon_expiring: {
    title: '优惠券到期提醒',
    description: '领取的优惠券快到期时提醒使用',
    fields: [
      { name: 'thing1', label: '优惠券名称' },
      { name: 'thing2', label: '温馨提示' },
    ],
  },
};

/**
 * The most characters a keyword of this name's type holds (WeChat answers 47003 beyond it); null for types with a
 * format rather than a length (time, date, amount).
 */
export function subscribeFieldMaxLength(field: string): number | null {
  const type = field.replace(/\d+$/, '');
  const limits: Record<string, number> = {
    thing: 20,
    number: 32,
    letter: 32,
    symbol: 5,
    character_string: 32,
    phone_number: 17,
    car_number: 8,
    name: 10,
    phrase: 5,
  };
  return limits[type] ?? null;
}
