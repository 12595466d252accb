import type { SubscriptionState } from '@careloop/shared';
import type { ApiClient } from '@careloop/shared/client';
import type { Platform } from '../platform/types';

/**
 * Asks the customer (first thing in a tap) to allow the meeting reminder — the `meeting_reminder` template the
 * meeting names (`reminderTemplateId`, '' when the server has none), its own credits apart from appointment
 * reminders' — and tells the server what they allowed: each allowed template is one message the server may send.
 * Answers whether the reminder was allowed.
 */
export async function subscribeToMeetingReminder(
  platform: Pick<Platform, 'requestSubscribeMessage'>,
  api: Pick<ApiClient, 'post'>,
  templateId: string,
): Promise<boolean> {
  if (!templateId) return false;
  const accepted = await platform.requestSubscribeMessage([templateId]);
  if (!accepted.includes(templateId)) return false;
  await api.post<SubscriptionState>('/api/mp/subscriptions', { acceptedTemplateIds: accepted });
  return true;
}
