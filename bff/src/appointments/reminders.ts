/**
 * The subscribe-message reminder before a visit. Sent once per appointment however many instances run the job:
 * inserting the reminder record (unique per appointment) is the claim, and only the claimant sends. A message
 * needs a credit the customer granted (requestSubscribeMessage); without one (43101) the outcome is recorded,
 * not retried. A send interrupted by a crash stays `sending` and is not retried (a duplicate is worse).
 */
import type { Config } from '@careloop/config';
import type { WechatClient } from '../platform/wechat/client';
import { isDuplicateKey } from '../db/retry';
import { listIdentities } from '../identity/service';
import { spendSubscriptionCredit } from '../subscriptions/service';
import { AppointmentModel, AppointmentReminderModel } from './model';
import { describeAppointment } from './booking';

/** thing.DATA holds at most 20 characters. */
const thing = (text: string) => ([...text].length > 20 ? [...text].slice(0, 19).join('') + '…' : text);

export async function sendDueReminders(
  deps: { config: Pick<Config, 'wechat'>; wechat: WechatClient },
  now = new Date(),
): Promise<number> {
  const { reminderTemplateId, reminderHoursBefore, miniprogramState, appId } = deps.config.wechat;
  if (!reminderTemplateId) return 0;
  const due = await AppointmentModel.find({
    status: 'confirmed',
    startsAt: { $gt: now, $lte: new Date(now.getTime() + reminderHoursBefore * 3_600_000) },
  })
    .sort({ startsAt: 1 })
    .limit(500)
    .lean();
  let sent = 0;
  for (const appointment of due) {
    try {
      await AppointmentReminderModel.create({
        appointmentId: appointment._id,
        organisationId: appointment.organisationId,
        status: 'sending',
      });
    } catch (error) {
      if (isDuplicateKey(error)) continue; // reminded already, or another instance is on it
      throw error;
    }
    const organisationId = String(appointment.organisationId);
    const customerId = String(appointment.customerId);
    const record = (status: string, errcode: number | null = null, errmsg: string | null = null) =>
      AppointmentReminderModel.updateOne({ appointmentId: appointment._id }, { $set: { status, errcode, errmsg } });
    const openid = (await listIdentities(organisationId, customerId)).find(
      (identity) => identity.kind === 'miniapp_openid' && identity.app === appId,
    )?.value;
    if (!openid) {
      await record('no_openid');
      continue;
    }
    if (!(await spendSubscriptionCredit(organisationId, customerId, reminderTemplateId))) {
      await record('no_credit');
      continue;
    }
    const view = await describeAppointment(appointment);
    const result = await deps.wechat.sendSubscribeMessage({
      touser: openid,
      templateId: reminderTemplateId,
      page: `subpackages/booking/pages/detail/index?id=${view.id}`,
      data: {
        thing1: { value: thing(view.service.name) },
        time2: { value: `${view.local.date} ${view.local.time}` },
        thing3: { value: thing(view.clinic.name) },
      },
      miniprogramState,
    });
    if (result.errcode === 0) {
      await record('sent');
      sent += 1;
    } else {
      await record(result.errcode === 43101 ? 'no_credit' : 'failed', result.errcode, result.errmsg);
    }
  }
  return sent;
}
