/**
 * The subscribe-message reminder before a meeting, to each confirmed attendee who allowed it. It uses the meeting
 * reminder's own template (`meeting_reminder`: thing1 what, time2 when, thing3 where) and spends its credits, which
 * the mini-program asks for after a sign-up (the meeting's `reminderTemplateId`). Sent once per
 * registration however many instances run the job: the conditional update that sets `reminder: 'sending'` is the
 * claim. A send interrupted by a crash stays `sending` and is not retried (a duplicate is worse).
 */
import { DateTime } from 'luxon';
import { MEETING_PAGES } from '@careloop/shared';
import type { Config } from '@careloop/config';
import type { WechatClient } from '../platform/wechat/client';
import { listIdentities } from '../identity/service';
import { getOrganisation } from '../organisations/service';
import { spendSubscriptionCredit } from '../subscriptions/service';
import { subscribeTemplateId } from '../subscriptions/templates';
import { meetingNow } from './clock';
import { MeetingModel, MeetingRegistrationModel } from './model';

/** thing.DATA holds at most 20 characters. */
const thing = (text: string) => ([...text].length > 20 ? [...text].slice(0, 19).join('') + '…' : text);

export async function sendDueMeetingReminders(
  deps: { config: Pick<Config, 'wechat'>; wechat: WechatClient },
  now = meetingNow(),
): Promise<number> {
  const { reminderHoursBefore, miniprogramState, appId } = deps.config.wechat;
  const reminderTemplateId = subscribeTemplateId(deps.config, 'meeting_reminder');
  if (!reminderTemplateId) return 0;
  const meetings = await MeetingModel.find(
    { status: 'published', startsAt: { $gt: now, $lte: new Date(now.getTime() + reminderHoursBefore * 3_600_000) } },
    { queue: 0 },
  )
    .limit(200)
    .lean();
  let sent = 0;
  for (const meeting of meetings) {
    const organisationId = String(meeting.organisationId);
    const { timeZone } = await getOrganisation(organisationId);
    const due = await MeetingRegistrationModel.find({ meetingId: meeting._id, status: 'confirmed', reminder: null })
      .limit(5000)
      .lean();
    for (const reg of due) {
      const claimed = await MeetingRegistrationModel.updateOne(
        { _id: reg._id, status: 'confirmed', reminder: null },
        { $set: { reminder: 'sending' } },
      );
      if (claimed.modifiedCount !== 1) continue; // another instance is on it
      const customerId = String(reg.customerId);
      const record = (outcome: string) =>
        MeetingRegistrationModel.updateOne({ _id: reg._id }, { $set: { reminder: outcome } });
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
      const result = await deps.wechat.sendSubscribeMessage({
        touser: openid,
        templateId: reminderTemplateId,
        page: `${MEETING_PAGES.detail}?id=${String(meeting._id)}`,
        data: {
          thing1: { value: thing(meeting.title) },
          time2: { value: DateTime.fromJSDate(meeting.startsAt, { zone: timeZone }).toFormat('yyyy-MM-dd HH:mm') },
          thing3: { value: thing(meeting.venue?.name ?? '线上会议') },
        },
        miniprogramState,
      });
      if (result.errcode === 0) {
        await record('sent');
        sent += 1;
      } else {
        await record(result.errcode === 43101 ? 'no_credit' : 'failed');
      }
    }
  }
  return sent;
}
