import type { Platform } from '../platform/types';
import type { ApiClient } from '@careloop/shared/client';
import { askForTemplates, type SubscribeTemplates } from '../subscriptions';

/**
 * Asks the customer (first thing in a tap: the templates are loaded before) to allow the appointment reminder and
 * the clinic's care notices (follow-ups, recalls) in one dialog, and tells the server what they allowed: each
 * allowed template is one message the server may send. Answers whether the reminder was allowed.
 */
export async function subscribeToAppointmentReminder(
  platform: Pick<Platform, 'requestSubscribeMessage'>,
  api: Pick<ApiClient, 'post'>,
  templates: SubscribeTemplates,
): Promise<boolean> {
  const { accepted } = await askForTemplates(platform, api, templates, ['appointment_reminder', 'care_notice']);
  return accepted.includes('appointment_reminder');
}
