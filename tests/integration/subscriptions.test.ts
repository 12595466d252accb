/**
 * Subscribe-message templates: the catalogue the mini-program asks for, the credits each acceptance grants, and the
 * journeys' subscribe messages spending the credit of the template they name.
 */
import { describe, expect, it } from 'vitest';
import { ExecutionModel } from '../../bff/src/journeys/model';
import { engine, event, journeyTestContext, liveJourney, newPatient, subscribeMessages } from './journeys-support';

const t = journeyTestContext('subscriptions');

const noShowTrigger = { kind: 'triggered', event: 'appointment.no_show' };

/** The customer accepts the templates in requestSubscribeMessage: WeChat (the sandbox) and CareLoop each count. */
async function accept(patient: { openid: string; token: string }, templateIds: string[]) {
  await t.bff.call('POST', '/sandbox/control/wechat/subscribe', { body: { openid: patient.openid, templateIds } });
  return t.bff.call('POST', '/api/mp/subscriptions', {
    token: patient.token,
    body: { acceptedTemplateIds: templateIds },
  });
}

const careNoticeJourney = (data: Record<string, string> = { thing1: '复诊提醒', thing2: '{{name}}，该复诊了' }) => ({
  entry: noShowTrigger,
  start: 'msg',
  steps: [{ id: 'msg', type: 'send_subscribe_message', template: 'care_notice', page: 'pages/index/index', data }],
});

describe('subscribe-message templates', () => {
  it('lists every configured template by key, and no credits before the customer accepts one', async () => {
    const patient = await newPatient(t);
    const state = await t.bff.call('GET', '/api/mp/subscriptions', { token: patient.token });
    expect(state.status).toBe(200);
    const { wechat } = t.bff.config;
    expect(state.body).toEqual({
      templates: {
        appointment_reminder: wechat.reminderTemplateId,
        meeting_reminder: wechat.meetingReminderTemplateId,
        care_notice: wechat.careNoticeTemplateId,
        coupon_expiring: wechat.couponExpiringTemplateId,
      },
      credits: {},
    });
  });

  it('counts one credit per accepted configured template and ignores template ids it does not know', async () => {
    const patient = await newPatient(t);
    const { careNoticeTemplateId, couponExpiringTemplateId } = t.bff.config.wechat;
    const granted = await accept(patient, [careNoticeTemplateId, 'tmplSomethingElse', couponExpiringTemplateId]);
    expect(granted.status).toBe(200);
    expect(granted.body.credits).toEqual({ [careNoticeTemplateId]: 1, [couponExpiringTemplateId]: 1 });
    const again = await accept(patient, [careNoticeTemplateId]);
    expect(again.body.credits).toEqual({ [careNoticeTemplateId]: 2, [couponExpiringTemplateId]: 1 });
  });

  it('a journey’s care notice reaches a customer who accepted care_notice, and spends that credit', async () => {
    const { careNoticeTemplateId, reminderTemplateId } = t.bff.config.wechat;
    const journey = await liveJourney(t, careNoticeJourney());
    const patient = await newPatient(t, { name: '王小明' });
    await accept(patient, [careNoticeTemplateId, reminderTemplateId]);
    await event(t, patient.customerId, 'appointment.no_show');
    await engine(t.t0);
    expect(await subscribeMessages(t, patient.openid)).toEqual([
      expect.objectContaining({
        templateId: careNoticeTemplateId,
        page: 'pages/index/index',
        data: { thing1: { value: '复诊提醒' }, thing2: { value: '王小明，该复诊了' } },
      }),
    ]);
    const execution = await ExecutionModel.findOne({ journeyId: journey.id, customerId: patient.customerId }).lean();
    expect(execution).toMatchObject({ status: 'done', outcome: 'sent' });
    const left = await t.bff.call('GET', '/api/mp/subscriptions', { token: patient.token });
    expect(left.body.credits).toEqual({ [careNoticeTemplateId]: 0, [reminderTemplateId]: 1 });
  });

  it('a journey’s care notice is skipped (no_credit) for a customer who only accepted another template', async () => {
    const journey = await liveJourney(t, careNoticeJourney());
    const patient = await newPatient(t);
    await accept(patient, [t.bff.config.wechat.reminderTemplateId]);
    await event(t, patient.customerId, 'appointment.no_show');
    await engine(t.t0);
    expect(await subscribeMessages(t, patient.openid)).toEqual([]);
    const execution = await ExecutionModel.findOne({ journeyId: journey.id, customerId: patient.customerId }).lean();
    expect(execution).toMatchObject({ status: 'skipped', outcome: 'no_credit' });
  });

  it('a subscribe step naming a field its template does not have is refused, pointing at the field', async () => {
    const created = await t.bff.call('POST', '/api/staff/journeys', {
      token: t.manager.accessToken,
      body: {
        name: '字段错误',
        definition: careNoticeJourney({ thing1: '复诊提醒', thing2: '该复诊了', time3: '明天 10:00' }),
      },
    });
    expect(created.status).toBe(400);
    expect(JSON.stringify(created.body)).toContain('time3');
  });

  it('a subscribe step missing one of its template’s fields is refused', async () => {
    const checked = await t.bff.call('POST', '/api/staff/journey-definitions/validate', {
      token: t.manager.accessToken,
      body: { definition: careNoticeJourney({ thing1: '复诊提醒' }) },
    });
    expect(checked.status).toBe(200);
    expect(checked.body.valid).toBe(false);
    expect(checked.body.issues).toEqual([expect.objectContaining({ stepId: 'msg', path: 'steps.0.data.thing2' })]);
  });
});
