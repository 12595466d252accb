import { describe, expect, it } from 'vitest';
import { ConfigError, describeConfig, loadConfig, SANDBOX } from '@careloop/config';

describe('configuration', () => {
  it('runs in sandbox mode with documented defaults when no platform credentials are set', () => {
    const config = loadConfig({});
    expect(config).toMatchObject({ env: 'development', port: 3000, sandbox: true, publicUrl: 'http://localhost:3000' });
    expect(config.wechat.apiBase).toBe('http://127.0.0.1:3000/sandbox/wechat');
    expect(config.wecom.apiBase).toBe('http://127.0.0.1:3000/sandbox/wecom');
  });

  it('uses the real platforms, at their official hosts, when credentials are given', () => {
    const config = loadConfig({
      WECHAT_APPID: 'wx123',
      WECHAT_SECRET: 's1',
      WECOM_CORPID: 'ww456',
      WECOM_AGENTID: '1000005',
      WECOM_SECRET: 's2',
    });
    expect(config.sandbox).toBe(false);
    expect(config.wechat).toEqual({
      appId: 'wx123',
      secret: 's1',
      apiBase: 'https://api.weixin.qq.com',
      reminderTemplateId: '', // no reminders until a template is configured
      meetingReminderTemplateId: '',
      careNoticeTemplateId: '',
      couponExpiringTemplateId: '',
      miniprogramState: 'formal',
      reminderHoursBefore: 24,
    });
    expect(config.wecom.apiBase).toBe('https://qyapi.weixin.qq.com');
  });

  it('fails fast naming the bad variable', () => {
    expect(() => loadConfig({ PORT: 'eighty' })).toThrow(/PORT/);
    expect(() => loadConfig({ JWT_SECRET: 'short' })).toThrow(/JWT_SECRET: must be at least 32 characters/);
    expect(() => loadConfig({ WECHAT_APPID: 'wx123' })).toThrow(/WECHAT_APPID and WECHAT_SECRET/);
  });

  it('refuses to run production without a JWT secret or in sandbox mode', () => {
    expect(() => loadConfig({ CARELOOP_ENV: 'production' })).toThrow(ConfigError);
    expect(() => loadConfig({ CARELOOP_ENV: 'production', JWT_SECRET: 'x'.repeat(40) })).toThrow(/credentials/);
  });

  it('never shows secrets when described for the log', () => {
    const config = loadConfig({ JWT_SECRET: 'a-very-secret-value-of-forty-characters!!' });
    const described = JSON.stringify(describeConfig(config));
    expect(described).not.toContain('a-very-secret-value');
    expect(described).not.toContain(config.wechat.secret);
    expect(described).not.toContain(config.wecom.secret);
  });
});

describe('SMS configuration', () => {
  const platforms = {
    WECHAT_APPID: 'wx123',
    WECHAT_SECRET: 's1',
    WECOM_CORPID: 'ww456',
    WECOM_AGENTID: '1000005',
    WECOM_SECRET: 's2',
  };
  const keys = { ALIYUN_SMS_ACCESS_KEY_ID: 'LTAI5tRealKeyId', ALIYUN_SMS_ACCESS_KEY_SECRET: 'real-secret' };

  it("sends through Aliyun's protocol to the sandbox's own endpoint, with its public key, in sandbox mode", () => {
    expect(loadConfig({}).sms).toEqual({
      provider: 'aliyun',
      endpoint: 'http://127.0.0.1:3000/sandbox/sms',
      accessKeyId: SANDBOX.smsAccessKeyId,
      accessKeySecret: SANDBOX.smsAccessKeySecret,
      signName: 'CareLoop',
    });
  });

  it('sends through the real Aliyun endpoint with the configured key and signature', () => {
    expect(loadConfig({ ...platforms, ...keys, SMS_SIGN_NAME: '某某口腔' }).sms).toEqual({
      provider: 'aliyun',
      endpoint: 'https://dysmsapi.aliyuncs.com',
      accessKeyId: 'LTAI5tRealKeyId',
      accessKeySecret: 'real-secret',
      signName: '某某口腔',
    });
  });

  it('has no provider without a key outside the sandbox, or when SMS_PROVIDER=none', () => {
    expect(loadConfig(platforms).sms).toMatchObject({ provider: 'none', endpoint: '', accessKeySecret: '' });
    expect(loadConfig({ SMS_PROVIDER: 'none' }).sms.provider).toBe('none');
  });

  it('refuses Aliyun without both parts of the key outside the sandbox', () => {
    expect(() => loadConfig({ ...platforms, SMS_PROVIDER: 'aliyun' })).toThrow(/ALIYUN_SMS_ACCESS_KEY_ID and/);
    expect(() => loadConfig({ ALIYUN_SMS_ACCESS_KEY_ID: 'LTAI5tRealKeyId' })).toThrow(/set both ALIYUN_SMS/);
    expect(() => loadConfig({ SMS_PROVIDER: 'twilio' })).toThrow(/SMS_PROVIDER/);
  });

  it('never shows the AccessKey secret when described for the log', () => {
    const described = JSON.stringify(describeConfig(loadConfig({ ...platforms, ...keys })));
    expect(described).not.toContain('real-secret');
    expect(described).toContain('LTAI5tRealKeyId');
  });
});
