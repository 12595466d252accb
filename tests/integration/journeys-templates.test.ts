/**
 * The clinic SOP templates, created from the gallery and enabled, run on crafted histories with the clock moving:
 * each produces the expected messages, coupons, tags and tasks for the customers it concerns, and nothing for
 * those it does not (exits on booking, audiences, branches).
 */
import { afterEach, describe, expect, it } from 'vitest';
import { SANDBOX } from '@careloop/config';
import type { JourneyTemplateKey } from '@careloop/shared';
import { addTag } from '../../bff/src/tags/service';
import { resumeRecomputes } from '../../bff/src/tags/recompute';
import { claimCoupon } from '../../bff/src/coupons/service';
import { nextCronRun } from '../../bff/src/journeys/schedule';
import {
  archiveJourneys,
  DAY,
  couponTemplate,
  couponsOf,
  engine,
  enrolmentsOf,
  event,
  journeyTestContext,
  newPatient,
  smsTo,
  subscribeMessages,
  tagsOf,
  tasksOf,
} from './journeys-support';

const t = journeyTestContext('journeys_templates');
const TEMPLATE = SANDBOX.careNoticeTemplateId;
const COUPON_TEMPLATE = SANDBOX.couponExpiringTemplateId;

afterEach(async () => {
  t.setNow(t.t0);
  await archiveJourneys(t);
});

async function fromTemplate(key: JourneyTemplateKey, parameters: Record<string, string> = {}) {
  const created = await t.bff.call('POST', `/api/staff/journey-templates/${key}/journeys`, {
    token: t.manager.accessToken,
    body: { parameters },
  });
  if (created.status !== 201) throw new Error(`${key}: ${JSON.stringify(created.body)}`);
  const enabled = await t.bff.call('POST', `/api/staff/journeys/${created.body.id}/enable`, {
    token: t.manager.accessToken,
  });
  if (enabled.status !== 200) throw new Error(`${key}: ${JSON.stringify(enabled.body)}`);
  return enabled.body as { id: string; templateKey: string; name: string };
}

const titles = async (customerId: string) => (await tasksOf(t, customerId)).map((task) => task.title).sort();

describe('the gallery', () => {
  it('lists the eight clinic SOPs with the parameters each needs', async () => {
    const response = await t.bff.call('GET', '/api/staff/journey-templates', { token: t.consultant.accessToken });
    expect(response.body.items.map((item: { key: string }) => item.key)).toEqual([
      'no_show_recovery',
      'dormant_reactivation',
      'cleaning_6_monthly',
      'coupon_expiring_30d',
      'post_treatment_follow_up',
      'implant_lead_nurturing',
      'referral_champion_care',
      'post_meeting_hcp_follow_up',
    ]);
    const dormant = response.body.items.find((item: { key: string }) => item.key === 'dormant_reactivation');
    expect(dormant.parameters.map((p: { key: string; required: boolean }) => [p.key, p.required])).toEqual([
      ['couponTemplateId', true],
      ['smsTemplateCode', true],
    ]);
  });

  it('a template missing a required parameter is refused, naming it', async () => {
    const response = await t.bff.call('POST', '/api/staff/journey-templates/dormant_reactivation/journeys', {
      token: t.manager.accessToken,
      body: { parameters: { smsTemplateCode: 'SMS_1' } },
    });
    expect(response.status).toBe(400);
    expect(response.body.error.details).toEqual([expect.objectContaining({ path: 'parameters.couponTemplateId' })]);
  });
});

describe('the SOPs on crafted histories', () => {
  it('no-show recovery: a call now, a WeCom message the next day, a tag after three more; booking ends it', async () => {
    const journey = await fromTemplate('no_show_recovery');
    const missed = await newPatient(t);
    const rebooked = await newPatient(t);
    for (const p of [missed, rebooked]) await event(t, p.customerId, 'appointment.no_show');
    await engine(t.t0);
    const [call] = await tasksOf(t, missed.customerId);
    expect(call).toMatchObject({
      title: '失约回访',
      type: 'follow_up_call',
      priority: 'high',
      assignee: { id: t.consultant.staff.id },
    });
    await event(t, rebooked.customerId, 'appointment.booked', {}, t.at(0, 3));
    await engine(t.at(1, 0.1));
    await engine(t.at(4, 0.2));
    expect(await titles(missed.customerId)).toEqual(['失约关怀消息', '失约回访']);
    expect((await tasksOf(t, missed.customerId)).find((task) => task.type === 'forward_message')).toBeTruthy();
    expect(await tagsOf(t, missed.customerId)).toContain('失约未回');
    expect(await titles(rebooked.customerId)).toEqual(['失约回访']);
    expect(await tagsOf(t, rebooked.customerId)).not.toContain('失约未回');
    const analytics = await t.bff.call('GET', `/api/staff/journeys/${journey.id}/analytics`, {
      token: t.manager.accessToken,
    });
    const passed = Object.fromEntries(
      analytics.body.steps.map((s: { stepId: string; passed: number }) => [s.stepId, s.passed]),
    );
    expect(passed).toEqual({ call: 2, wait1: 1, nudge: 1, wait2: 1, tag: 1 });
  });

  it('dormant reactivation: a year quiet gets a comeback coupon and an SMS; two weeks on, a call or a tag', async () => {
    const comeback = await couponTemplate(t, '回归券');
    const dormant = await newPatient(t, { phone: true });
    const returning = await newPatient(t, { phone: true });
    const active = await newPatient(t, { phone: true });
    for (const p of [dormant, returning])
      await event(t, p.customerId, 'appointment.arrived', {}, new Date(t.t0.getTime() - 400 * DAY));
    await event(t, active.customerId, 'appointment.arrived', {}, new Date(t.t0.getTime() - 10 * DAY));
    await fromTemplate('dormant_reactivation', { couponTemplateId: comeback.id, smsTemplateCode: 'SMS_COMEBACK' });
    const monday = nextCronRun('0 10 * * 1', 'Asia/Shanghai', t.t0)!;
    t.setNow(monday);
    await engine(monday);
    for (const p of [dormant, returning]) {
      expect(await couponsOf(t, p.customerId)).toHaveLength(1);
      expect(await smsTo(t, p.phone!)).toEqual([expect.objectContaining({ templateCode: 'SMS_COMEBACK' })]);
    }
    expect(await couponsOf(t, active.customerId)).toHaveLength(0);
    expect(await smsTo(t, active.phone!)).toHaveLength(0);
    await event(t, returning.customerId, 'coupon.redeemed', {}, new Date(monday.getTime() + 3 * DAY));
    await engine(new Date(monday.getTime() + 14 * DAY + 60_000));
    expect(await titles(dormant.customerId)).toEqual(['沉睡客户回访']);
    expect(await tagsOf(t, returning.customerId)).toContain('已唤醒');
    expect(await tasksOf(t, returning.customerId)).toHaveLength(0);
  });

  it('6-monthly cleaning: patients seen in two years and not booked get a reminder, then a WeCom reminder a week on', async () => {
    const due = await newPatient(t, { credits: [TEMPLATE] });
    const booked = await newPatient(t, { credits: [TEMPLATE] });
    const never = await newPatient(t, { credits: [TEMPLATE] });
    // The next 1 January or 1 July is days or months after t0, as the calendar falls: the histories are set a week
    // before it, so that "booked within 30 days" holds at the occurrence whatever the date.
    const occurrence = nextCronRun('0 10 1 1,7 *', 'Asia/Shanghai', t.t0)!;
    const weekBefore = new Date(occurrence.getTime() - 7 * DAY);
    t.setNow(weekBefore);
    for (const p of [due, booked])
      await event(t, p.customerId, 'appointment.arrived', {}, new Date(weekBefore.getTime() - 200 * DAY));
    await event(t, booked.customerId, 'appointment.booked', {}, new Date(weekBefore.getTime() - 5 * DAY));
    await fromTemplate('cleaning_6_monthly', {});
    t.setNow(occurrence);
    await engine(occurrence);
    const messages = await subscribeMessages(t, due.openid);
    expect(messages).toEqual([
      expect.objectContaining({
        templateId: TEMPLATE,
        data: { thing1: { value: '定期洗牙' }, thing2: { value: expect.stringContaining('欢迎预约') } },
      }),
    ]);
    expect(await subscribeMessages(t, booked.openid)).toHaveLength(0);
    expect(await subscribeMessages(t, never.openid)).toHaveLength(0);
    await engine(new Date(occurrence.getTime() + 7 * DAY + 60_000));
    expect(await tasksOf(t, due.customerId)).toEqual([
      expect.objectContaining({ title: '洗牙提醒', type: 'forward_message' }),
    ]);
  });

  it('coupon expiring in 30 days: a reminder 30 days before expiry, a WeCom reminder 7 days before; redeeming ends it', async () => {
    const template = await couponTemplate(t, '六十天券');
    await fromTemplate('coupon_expiring_30d', { couponTemplateId: template.id });
    const holder = await newPatient(t, { credits: [COUPON_TEMPLATE] });
    const user = await newPatient(t, { credits: [COUPON_TEMPLATE] });
    for (const [index, p] of [holder, user].entries()) {
      await claimCoupon({
        organisationId: t.org,
        templateId: template.id,
        customerId: p.customerId,
        campaignId: null,
        requestId: `exp${index}${Date.now()}`,
        now: t.t0,
      });
    }
    await engine(t.at(30, 0.1));
    for (const p of [holder, user]) expect(await subscribeMessages(t, p.openid)).toHaveLength(1);
    await event(t, user.customerId, 'coupon.redeemed', {}, t.at(35));
    await engine(t.at(53, 0.2));
    expect(await tasksOf(t, holder.customerId)).toEqual([
      expect.objectContaining({ title: '优惠券 7 天后到期', type: 'forward_message' }),
    ]);
    expect(await tasksOf(t, user.customerId)).toHaveLength(0);
  });

  it('post-treatment follow-up: tasks on days 1, 7 and 30 after the visit', async () => {
    await fromTemplate('post_treatment_follow_up');
    const patient = await newPatient(t);
    await event(t, patient.customerId, 'appointment.arrived');
    await engine(t.at(0, 23));
    expect(await tasksOf(t, patient.customerId)).toHaveLength(0);
    await engine(t.at(1, 0.1));
    expect(await titles(patient.customerId)).toEqual(['术后第 1 天随访']);
    await engine(t.at(7, 0.2));
    await engine(t.at(30, 0.3));
    const tasks = await tasksOf(t, patient.customerId);
    expect(tasks.map((task) => task.title).sort()).toEqual(['术后第 1 天随访', '术后第 30 天随访', '术后第 7 天随访']);
    expect(tasks.every((task) => task.type === 'post_treatment_check')).toBe(true);
  });

  it('implant lead nurturing: a call, an article to forward, a consultation coupon, a plan follow-up; booking ends it', async () => {
    const consultation = await couponTemplate(t, '种植咨询券');
    await fromTemplate('implant_lead_nurturing', { couponTemplateId: consultation.id });
    const lead = await newPatient(t);
    const booker = await newPatient(t);
    for (const p of [lead, booker])
      await addTag(t.org, p.customerId, { name: '种植意向', source: 'manual', setBy: t.consultant.staff.id });
    await engine(t.t0);
    await event(t, booker.customerId, 'appointment.booked', {}, t.at(1));
    for (const day of [2, 7, 21]) await engine(t.at(day, 0.1));
    expect(await titles(lead.customerId)).toEqual(['种植意向首次沟通', '种植方案跟进', '转发种植科普']);
    expect(await couponsOf(t, lead.customerId)).toEqual([
      expect.objectContaining({ template: expect.objectContaining({ id: consultation.id }) }),
    ]);
    expect(await titles(booker.customerId)).toEqual(['种植意向首次沟通']);
    expect(await couponsOf(t, booker.customerId)).toHaveLength(0);
  });

  it('referral champion care: a champion gets a VIP tag, a thank-you coupon, and the owner is told at once', async () => {
    const gift = await couponTemplate(t, '感谢礼券');
    await fromTemplate('referral_champion_care', { couponTemplateId: gift.id });
    const champion = await newPatient(t);
    // 转介绍达人 is a dynamic tag of the demo library (more than 3 referrals): once its first computation ran,
    // its rule applies it on the fourth referral.
    await resumeRecomputes();
    for (let i = 0; i < 4; i++)
      await event(t, champion.customerId, 'referral.converted', { referredCustomerId: `c${i}` });
    await engine(t.t0);
    expect(await tagsOf(t, champion.customerId)).toEqual(expect.arrayContaining(['转介绍达人', 'VIP关怀']));
    expect(await couponsOf(t, champion.customerId)).toHaveLength(1);
    expect(await tasksOf(t, champion.customerId)).toEqual([
      expect.objectContaining({
        title: '转介绍达人致谢',
        priority: 'high',
        assignee: expect.objectContaining({ id: t.consultant.staff.id }),
      }),
    ]);
  });

  it('post-meeting HCP follow-up: a thank-you visit; a survey reminder first for those who did not answer; materials a week on', async () => {
    const journey = await fromTemplate('post_meeting_hcp_follow_up');
    const answered = await newPatient(t);
    const silent = await newPatient(t);
    for (const p of [answered, silent])
      await event(t, p.customerId, 'meeting.checked_in', { meetingId: 'm1', title: '种植学术会' });
    await event(t, answered.customerId, 'meeting.survey_answered', { meetingId: 'm1' }, t.at(0, 2));
    await engine(t.at(1, 0.1));
    expect(await titles(answered.customerId)).toEqual(['会后感谢拜访']);
    expect(await titles(silent.customerId)).toEqual(['会后问卷提醒', '会后感谢拜访'].sort());
    await engine(t.at(8, 0.2));
    expect(await titles(silent.customerId)).toEqual(['会后问卷提醒', '会后感谢拜访', '转发会议学术资料'].sort());
    expect(await titles(answered.customerId)).toEqual(['会后感谢拜访', '转发会议学术资料'].sort());
    const analytics = await t.bff.call('GET', `/api/staff/journeys/${journey.id}/analytics`, {
      token: t.manager.accessToken,
    });
    expect(analytics.body.steps.find((s: { stepId: string }) => s.stepId === 'survey').branches).toEqual({
      yes: 1,
      no: 1,
    });
    expect(await enrolmentsOf(journey.id)).toEqual([
      expect.objectContaining({ status: 'completed' }),
      expect.objectContaining({ status: 'completed' }),
    ]);
  });
});
