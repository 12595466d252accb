import { describe, expect, it } from 'vitest';
import { ConfigError, describeConfig, loadConfig } from '@careloop/config';

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
