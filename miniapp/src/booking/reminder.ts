import type { SubscriptionState } from '@careloop/shared';
import type { ApiClient } from '@careloop/shared/client';
import type { Platform } from '../platform/types';

/**
 * Asks the customer (after a tap) to allow the appointment reminder, and tells the server what they allowed:
 * each allowed template is one message the server may send. Answers whether the reminder was allowed.
 */
export async function subscribeToAppointmentReminder(
  platform: Pick<Platform, 'requestSubscribeMessage'>,
  api: Pick<ApiClient, 'get' | 'post'>,
): Promise<boolean> {
  const state = await api.get<SubscriptionState>('/api/mp/subscriptions');
  const templateId = state.templates.appointmentReminder;
  if (!templateId) return false;
  const accepted = await platform.requestSubscribeMessage([templateId]);
  if (!accepted.includes(templateId)) return false;
  await api.post<SubscriptionState>('/api/mp/subscriptions', { acceptedTemplateIds: accepted });
  return true;
}
