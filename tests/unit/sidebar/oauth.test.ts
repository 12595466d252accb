import { describe, expect, it } from 'vitest';
import { buildOAuthUrl, readOAuthReturn } from '../../../wecom-sidebar/src/wecom/oauth';

describe('buildOAuthUrl', () => {
  it('builds the WeCom authorize URL with the parameters in order and #wechat_redirect last', () => {
    const url = buildOAuthUrl({
      corpId: 'ww1234567890abcdef',
      agentId: '1000002',
      redirectUri: 'https://crm.example.com/wecom/?x=1&y=a b',
    });
    expect(url).toBe(
      'https://open.weixin.qq.com/connect/oauth2/authorize?appid=ww1234567890abcdef' +
        '&redirect_uri=https%3A%2F%2Fcrm.example.com%2Fwecom%2F%3Fx%3D1%26y%3Da%20b' +
        '&response_type=code&scope=snsapi_base&state=careloop&agentid=1000002#wechat_redirect',
    );
  });

  it('drops the fragment of the redirect URI and lets the state be chosen', () => {
    const url = new URL(
      buildOAuthUrl({ corpId: 'c', agentId: '1', redirectUri: 'http://h/wecom/#/a', state: 's1' }).replace(
        '#wechat_redirect',
        '',
      ),
    );
    expect(url.searchParams.get('redirect_uri')).toBe('http://h/wecom/');
    expect(url.searchParams.get('state')).toBe('s1');
  });
});

describe('readOAuthReturn', () => {
  it('takes the code and state off the URL and keeps everything else', () => {
    expect(readOAuthReturn('https://h/wecom/workbench/?code=abc&state=careloop&tab=2#top')).toEqual({
      code: 'abc',
      state: 'careloop',
      cleanUrl: 'https://h/wecom/workbench/?tab=2#top',
    });
  });

  it('leaves no bare question mark when the code was the only parameter', () => {
    expect(readOAuthReturn('https://h/wecom/?code=abc&state=careloop').cleanUrl).toBe('https://h/wecom/');
    expect(readOAuthReturn('https://h/wecom/?code=abc#x').cleanUrl).toBe('https://h/wecom/#x');
  });

  it('gives a null code when there is none or it is blank', () => {
    expect(readOAuthReturn('https://h/wecom/')).toEqual({ code: null, state: null, cleanUrl: 'https://h/wecom/' });
    expect(readOAuthReturn('https://h/wecom/?code=%20').code).toBeNull();
  });
});
