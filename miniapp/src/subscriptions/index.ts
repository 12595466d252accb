/**
 * Subscribe messages (订阅消息): the mini-program asks the customer to allow the server's templates, each allowed
 * template being one message the server may send, and tells the server what was allowed.
 *
 * WeChat opens the dialog only straight from a tap: nothing may be awaited between the tap and
 * `requestSubscribeMessage`. So the templates are loaded before (`loadSubscribeTemplates`, on mount) and the tap
 * handler calls `askForTemplates` with them.
 */
import type { SubscriptionState } from '@careloop/shared';
import {
  SUBSCRIBE_TEMPLATE_KEYS,
  SUBSCRIBE_TEMPLATES,
  type SubscribeTemplateKey,
} from '@careloop/shared/subscribe-templates';
import type { ApiClient } from '@careloop/shared/client';
import type { Platform } from '../platform/types';

export type SubscribeTemplates = SubscriptionState['templates'];

export const SUBSCRIPTIONS_PATH = '/api/mp/subscriptions';

/** WeChat takes at most 3 templates in one dialog. */
const MAX_PER_DIALOG = 3;

/** The configured template ids of the keys, in order (keys without a template left out). */
export function templateIdsFor(templates: SubscribeTemplates, keys: readonly SubscribeTemplateKey[]): string[] {
  const ids: string[] = [];
  for (const key of keys) {
    const id = templates[key];
    if (id && !ids.includes(id)) ids.push(id);
  }
  return ids.slice(0, MAX_PER_DIALOG);
}

export interface AskResult {
  /** The keys the customer allowed. */
  accepted: SubscribeTemplateKey[];
  /** The server's state after recording them; null when nothing was allowed (nothing was sent). */
  state: SubscriptionState | null;
}

/**
 * Opens WeChat's dialog for the keys' templates — call it first thing in a tap handler — and records what the
 * customer allowed.
 */
export async function askForTemplates(
  platform: Pick<Platform, 'requestSubscribeMessage'>,
  api: Pick<ApiClient, 'post'>,
  templates: SubscribeTemplates,
  keys: readonly SubscribeTemplateKey[],
): Promise<AskResult> {
  const ids = templateIdsFor(templates, keys);
  if (!ids.length) return { accepted: [], state: null };
  const allowed = new Set(await platform.requestSubscribeMessage(ids));
  const acceptedIds = ids.filter((id) => allowed.has(id));
  if (!acceptedIds.length) return { accepted: [], state: null };
  const state = await api.post<SubscriptionState>(SUBSCRIPTIONS_PATH, { acceptedTemplateIds: acceptedIds });
  return { accepted: keys.filter((key) => templates[key] && acceptedIds.includes(templates[key])), state };
}

export interface ReminderRow {
  key: SubscribeTemplateKey;
  title: string;
  description: string;
  /** Messages allowed and not yet sent. */
  credits: number;
  /** False when the server has no template of this kind (nothing to subscribe to). */
  available: boolean;
}

/** The "message reminders" list: every template, with the credits held. */
export function reminderRows(state: SubscriptionState): ReminderRow[] {
  return SUBSCRIBE_TEMPLATE_KEYS.map((key) => {
    const id = state.templates[key];
    return {
      key,
      title: SUBSCRIBE_TEMPLATES[key].title,
      description: SUBSCRIBE_TEMPLATES[key].description,
      credits: id ? (state.credits[id] ?? 0) : 0,
      available: Boolean(id),
    };
  });
}

/** What a row says about its credits. */
export function creditsText(row: Pick<ReminderRow, 'credits' | 'available'>): string {
  if (!row.available) return '暂未开通';
  return row.credits > 0 ? `可接收 ${row.credits} 次` : '未订阅';
}

let templatesOnce: Promise<SubscribeTemplates> | null = null;

/** The server's templates (configuration: loaded once; a failure is retried at the next call). */
export function loadSubscribeTemplates(api: Pick<ApiClient, 'get'>): Promise<SubscribeTemplates> {
  templatesOnce ??= api.get<SubscriptionState>(SUBSCRIPTIONS_PATH).then(
    (state) => state.templates,
    (error: unknown) => {
      templatesOnce = null;
      throw error;
    },
  );
  return templatesOnce;
}

/** Forgets the loaded templates (tests, sign-out). */
export function resetSubscribeTemplates(): void {
  templatesOnce = null;
}
