/**
 * Journeys' text messages go through the Aliyun SendSms client, over HTTP, to the sandbox's emulated Aliyun
 * endpoint, which checks the signature, timestamp and nonce as Aliyun does and records what it accepted. Its
 * refusals and failures reach the journey as they would from Aliyun: an illegal number skips the step, a late answer
 * leaves the message in doubt (and it is never sent again).
 */
import { afterEach, describe, expect, it } from 'vitest';
import { SANDBOX } from '@careloop/config';
import { ExecutionModel } from '../../bff/src/journeys/model';
import { setJourneySmsProvider } from '../../bff/src/journeys/runtime';
import { aliyunSmsProvider, sendSmsParams, signRpc } from '../../bff/src/platform/sms/aliyun';
import { archiveJourneys, engine, event, journeyTestContext, liveJourney, newPatient, smsTo } from './journeys-support';

const t = journeyTestContext('sms');
const trigger = { kind: 'triggered', event: 'appointment.no_show' };
const smsJourney = (templateCode: string) => ({
  entry: trigger,
  start: 'sms',
  steps: [{ id: 'sms', type: 'send_sms', templateCode, params: { name: '{{name}}' } }],
});

afterEach(async () => {
  setJourneySmsProvider(null);
  await t.bff.call('DELETE', '/sandbox/control/sms/faults');
  await archiveJourneys(t);
});

const sandboxClient = (overrides: Partial<Parameters<typeof aliyunSmsProvider>[0]> = {}) =>
  aliyunSmsProvider({ ...t.bff.config.sms, ...overrides });
const message = (phone: string) => ({ phone, templateCode: 'SMS_DIRECT', params: { code: '1234' }, outId: 'direct' });

/** The parameters of a SendSms request, signed for `method` with the sandbox's key (or the given secret). */
function signedParams(
  method: 'GET' | 'POST',
  phone: string,
  overrides: Record<string, string> = {},
  secret?: string,
): Record<string, string> {
  const params = {
    ...sendSmsParams(message(phone), {
      accessKeyId: SANDBOX.smsAccessKeyId,
      signName: 'CareLoop',
      nonce: crypto.randomUUID(),
      timestamp: new Date(),
    }),
    ...overrides,
  };
  return { ...params, Signature: signRpc(method, params, secret ?? SANDBOX.smsAccessKeySecret) };
}

const post = (params: Record<string, string>) =>
  fetch(`${t.bff.url}/sandbox/sms/`, { method: 'POST', body: new URLSearchParams(params) });

describe('journey text messages through the Aliyun client and the sandbox', () => {
  it('sends a journey step once through the Aliyun client, with the execution key as OutId', async () => {
    await liveJourney(t, smsJourney('SMS_REVISIT'));
    const patient = await newPatient(t, { phone: true, name: '王芳' });
    await event(t, patient.customerId, 'appointment.no_show');
    await engine(t.t0);
    await engine(new Date(t.t0.getTime() + 60_000));

    const [execution] = await ExecutionModel.find({ customerId: patient.customerId, stepId: 'sms' }).lean();
    const sent = await smsTo(t, patient.phone!);
    expect(sent).toEqual([
      expect.objectContaining({ templateCode: 'SMS_REVISIT', signName: 'CareLoop', params: { name: '王芳' } }),
    ]);
    expect(sent[0]!.outId).toBe(execution!.key);
    expect(execution).toMatchObject({
      status: 'done',
      outcome: 'sent',
      result: { provider: 'aliyun', messageId: (sent[0] as unknown as { bizId: string }).bizId },
    });
  });

  it('skips the step as bad_phone when Aliyun calls the number illegal', async () => {
    await liveJourney(t, smsJourney('SMS_BADPHONE'));
    const patient = await newPatient(t, { phone: true });
    const fault = await t.bff.call('POST', '/sandbox/control/sms/faults', {
      body: { code: 'isv.MOBILE_NUMBER_ILLEGAL', message: '非法手机号' },
    });
    expect(fault.status).toBe(204);
    await event(t, patient.customerId, 'appointment.no_show');
    await engine(t.t0);

    const [execution] = await ExecutionModel.find({ customerId: patient.customerId, stepId: 'sms' }).lean();
    expect(execution).toMatchObject({ status: 'skipped', outcome: 'bad_phone' });
    expect(await smsTo(t, patient.phone!)).toEqual([]);
  });

  it('leaves a message whose answer came too late in doubt, and never sends it again', async () => {
    await liveJourney(t, smsJourney('SMS_LATE'));
    const patient = await newPatient(t, { phone: true });
    setJourneySmsProvider(sandboxClient({ timeoutMs: 300 }));
    await t.bff.call('POST', '/sandbox/control/sms/faults', { body: { hangMs: 1_000 } });
    await event(t, patient.customerId, 'appointment.no_show');

    expect((await engine(t.t0)).inDoubt).toBe(1);
    // The provider did take it (the answer was late, not lost): it is recorded once, after the hang.
    await expect.poll(() => smsTo(t, patient.phone!), { timeout: 5_000, interval: 100 }).toHaveLength(1);
    for (let hours = 1; hours <= 3; hours++) await engine(new Date(t.t0.getTime() + hours * 3_600_000));

    expect(await smsTo(t, patient.phone!)).toHaveLength(1);
    const executions = await ExecutionModel.find({ customerId: patient.customerId, stepId: 'sms' }).lean();
    expect(executions).toEqual([expect.objectContaining({ status: 'in_doubt' })]);
  });

  it('retries a message Aliyun refused for flow control, and sends it once', async () => {
    await liveJourney(t, smsJourney('SMS_LIMIT'));
    const patient = await newPatient(t, { phone: true });
    await t.bff.call('POST', '/sandbox/control/sms/faults', { body: { code: 'isv.BUSINESS_LIMIT_CONTROL' } });
    await event(t, patient.customerId, 'appointment.no_show');
    await engine(t.t0);
    expect(await smsTo(t, patient.phone!)).toEqual([]);

    for (let hours = 1; hours <= 8; hours++) await engine(new Date(t.t0.getTime() + hours * 3_600_000));
    expect(await smsTo(t, patient.phone!)).toHaveLength(1);
    const [execution] = await ExecutionModel.find({ customerId: patient.customerId, stepId: 'sms' }).lean();
    expect(execution).toMatchObject({ status: 'done', outcome: 'sent' });
  });
});

describe("the sandbox's emulated Aliyun SMS endpoint", () => {
  it('refuses a request signed with the wrong secret with SignatureDoesNotMatch, sending nothing', async () => {
    const answer = await sandboxClient({ accessKeySecret: 'not-the-secret' }).send(message('13912340001'));
    expect(answer).toMatchObject({ ok: false, code: 'SignatureDoesNotMatch' });
    expect(await smsTo(t, '13912340001')).toEqual([]);
  });

  it('answers a wrong signature with HTTP 400 and the string it signed, as Aliyun does', async () => {
    const response = await post(signedParams('POST', '13912340002', {}, 'wrong'));
    expect(response.status).toBe(400);
    const body = await response.json();
    expect(body).toMatchObject({ Code: 'SignatureDoesNotMatch', HostId: 'dysmsapi.aliyuncs.com' });
    expect(body.Message).toContain('server string to sign is:POST&%2F&AccessKeyId%3D');
  });

  it('answers an unknown AccessKey with HTTP 404 InvalidAccessKeyId.NotFound', async () => {
    const answer = await sandboxClient({ accessKeyId: 'LTAI5tSomebodyElse' }).send(message('13912340003'));
    expect(answer).toMatchObject({ ok: false, code: 'InvalidAccessKeyId.NotFound' });
    const response = await post(signedParams('POST', '13912340003', { AccessKeyId: 'LTAI5tSomebodyElse' }));
    expect(response.status).toBe(404);
  });

  it('refuses a malformed number with isv.MOBILE_NUMBER_ILLEGAL', async () => {
    const answer = await sandboxClient().send(message('1391234'));
    expect(answer).toMatchObject({ ok: false, code: 'isv.MOBILE_NUMBER_ILLEGAL' });
  });

  it('accepts +86 numbers and records them in national form', async () => {
    const answer = await sandboxClient().send(message('+8613912340004'));
    expect(answer).toMatchObject({ ok: true });
    expect(await smsTo(t, '13912340004')).toHaveLength(1);
  });

  it('requires SignName and TemplateCode (MissingSignName, MissingTemplateCode: HTTP 400)', async () => {
    const { SignName: _omitted, ...rest } = sendSmsParams(message('13912340005'), {
      accessKeyId: SANDBOX.smsAccessKeyId,
      signName: 'CareLoop',
      nonce: crypto.randomUUID(),
      timestamp: new Date(),
    });
    const response = await post({ ...rest, Signature: signRpc('POST', rest, SANDBOX.smsAccessKeySecret) });
    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({ Code: 'MissingSignName' });
    const noTemplate = await post(signedParams('POST', '13912340005', { TemplateCode: '' }));
    expect(await noTemplate.json()).toMatchObject({ Code: 'MissingTemplateCode' });
  });

  it('takes a GET with the parameters in the query, answering XML when no Format is given', async () => {
    const { Format: _json, ...params } = signedParams('GET', '13912340006');
    const signed = { ...params, Signature: signRpc('GET', params, SANDBOX.smsAccessKeySecret) };
    const response = await fetch(`${t.bff.url}/sandbox/sms/?${new URLSearchParams(signed)}`);
    expect(response.status).toBe(200);
    const xml = await response.text();
    expect(xml).toMatch(/^<\?xml .*<SendSmsResponse>.*<Code>OK<\/Code>.*<BizId>\d+\^0<\/BizId>/);
    expect(await smsTo(t, '13912340006')).toHaveLength(1);
  });

  it('refuses a nonce used before with SignatureNonceUsed', async () => {
    const params = signedParams('POST', '13912340007');
    expect((await post(params)).status).toBe(200);
    const replayed = await post(params);
    expect(replayed.status).toBe(400);
    expect(await replayed.json()).toMatchObject({ Code: 'SignatureNonceUsed' });
    expect(await smsTo(t, '13912340007')).toHaveLength(1);
  });

  it('refuses a timestamp more than 15 minutes off with InvalidTimeStamp.Expired', async () => {
    const stale = new Date(Date.now() - 20 * 60_000).toISOString().replace(/\.\d{3}Z$/, 'Z');
    const response = await post(signedParams('POST', '13912340008', { Timestamp: stale }));
    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({ Code: 'InvalidTimeStamp.Expired' });
  });
});
