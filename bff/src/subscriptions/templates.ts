import type { Config } from '@careloop/config';
import { SUBSCRIBE_TEMPLATE_KEYS, type SubscribeTemplateKey } from '@careloop/shared';

/** The configuration variable behind each template key. */
const CONFIG_KEY = {
  appointment_reminder: 'reminderTemplateId',
  meeting_reminder: 'meetingReminderTemplateId',
  care_notice: 'careNoticeTemplateId',
  coupon_expiring: 'couponExpiringTemplateId',
} as const satisfies Record<SubscribeTemplateKey, keyof Config['wechat']>;

/** The configured template id of a key; '' when it is not configured (then nothing of that kind is sent). */
export function subscribeTemplateId(config: Pick<Config, 'wechat'>, key: SubscribeTemplateKey): string {
  return config.wechat[CONFIG_KEY[key]];
}

/** The configured templates: key → template id (unconfigured keys left out). */
export function configuredSubscribeTemplates(
  config: Pick<Config, 'wechat'>,
): Partial<Record<SubscribeTemplateKey, string>> {
  const templates: Partial<Record<SubscribeTemplateKey, string>> = {};
  for (const key of SUBSCRIBE_TEMPLATE_KEYS) {
    const id = subscribeTemplateId(config, key);
    if (id) templates[key] = id;
  }
  return templates;
}
