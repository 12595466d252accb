import type { JsSdkSignature, StaffShare } from '@careloop/shared';
import { afterEach, describe, expect, it, vi } from 'vitest';
import {
  canSendTo,
  cardKinds,
  chatMessage,
  createChatSender,
  describeChatMessage,
  type ChatMessage,
  type WwSendApi,
} from '../../../wecom-sidebar/src/content/share';
import { JS_API_LIST } from '../../../wecom-sidebar/src/wecom/contact';
import { WecomCallError } from '../../../wecom-sidebar/src/wecom/timeout';

const page = 'subpackages/content/pages/detail/index';
const share = (cover: boolean): StaffShare => ({
  shareToken: 'Ab3kX9pQzR',
  path: `${page}?id=65f0000000000000000000c1&st=Ab3kX9pQzR`,
  h5Url: `https://care.example.com/m/#/${page}?id=65f0000000000000000000c1&st=Ab3kX9pQzR`,
  news: {
    link: `https://care.example.com/m/#/${page}?id=65f0000000000000000000c1&st=Ab3kX9pQzR`,
    title: '种植牙术后护理',
    desc: '术后 24 小时内的注意事项',
    imgUrl: cover ? 'https://img.example.com/cover.png' : '',
  },
  miniprogram: cover
    ? {
        appid: 'wx0000000000000001',
        title: '种植牙术后护理',
        imgUrl: 'https://img.example.com/cover.png',
        page: `${page}.html?id=65f0000000000000000000c1&st=Ab3kX9pQzR`,
      }
    : null,
});

const signature: JsSdkSignature = { timestamp: 1, nonceStr: 'n', signature: 's' } as JsSdkSignature;

function fakeWw(send: (message: ChatMessage) => Promise<unknown>) {
  const registered: unknown[] = [];
  const sent: ChatMessage[] = [];
  const ww: WwSendApi = {
    register: (options) => void registered.push(options),
    sendChatMessage: (message) => {
      sent.push(message);
      return send(message);
    },
  };
  return { ww, registered, sent };
}

afterEach(() => vi.useRealTimers());

describe('the card sent into the chat', () => {
  it('is the mini-program card when the content has a cover, the news card otherwise', () => {
    expect(cardKinds(share(true))).toEqual(['miniprogram', 'news']);
    expect(chatMessage(share(true), 'miniprogram')).toEqual({
      msgtype: 'miniprogram',
      miniprogram: share(true).miniprogram,
    });
    expect(cardKinds(share(false))).toEqual(['news']);
    expect(chatMessage(share(false), 'miniprogram')).toEqual({ msgtype: 'news', news: share(false).news });
  });

  it('carries the staff member’s share token in the link it opens', () => {
    const message = chatMessage(share(true), 'news');
    expect(message.msgtype === 'news' && message.news.link).toContain('st=Ab3kX9pQzR');
  });

  it('is described line by line for the emulated context', () => {
    const lines = describeChatMessage(chatMessage(share(true), 'miniprogram'));
    expect(lines.map((line) => line.label)).toEqual(['消息类型', '标题', '小程序 appid', '页面', '封面']);
    expect(lines.find((line) => line.label === '页面')?.value).toContain('.html?');
    expect(describeChatMessage(chatMessage(share(false), 'news')).find((line) => line.label === '封面')?.value).toBe(
      '（无）',
    );
  });
});

describe('who may receive HCP-only content', () => {
  it('is a verified HCP only; other audiences go to anyone', () => {
    expect(canSendTo('hcp', { kind: 'hcp', hcp: { verification: 'verified' } })).toEqual({ ok: true });
    expect(canSendTo('hcp', { kind: 'hcp', hcp: { verification: 'unverified' } }).ok).toBe(false);
    expect(canSendTo('hcp', { kind: 'patient', hcp: null }).ok).toBe(false);
    expect(canSendTo('patient', { kind: 'patient', hcp: null })).toEqual({ ok: true });
    expect(canSendTo('public', null)).toEqual({ ok: true });
  });
});

describe('sending inside WeCom', () => {
  it('registers once with the app’s signature and the sidebar’s whole interface list, then sends each message', async () => {
    const { ww, registered, sent } = fakeWw(() => Promise.resolve({ errMsg: 'sendChatMessage:ok' }));
    const sign = vi.fn(() => Promise.resolve(signature));
    const sendMessage = createChatSender({ ww, wecom: { corpId: 'ww1', agentId: '1000002' }, sign });
    await sendMessage(chatMessage(share(true), 'miniprogram'));
    await sendMessage(chatMessage(share(true), 'news'));
    expect(registered).toHaveLength(1);
    expect(registered[0]).toMatchObject({ corpId: 'ww1', agentId: '1000002', jsApiList: JS_API_LIST });
    expect(JS_API_LIST).toContain('sendChatMessage');
    expect(sent.map((message) => message.msgtype)).toEqual(['miniprogram', 'news']);
    await (registered[0] as { getAgentConfigSignature(url: string): Promise<unknown> }).getAgentConfigSignature('u');
    expect(sign).toHaveBeenCalledWith('u', 'agentConfig');
  });

  it('says what WeCom answered when the send fails', async () => {
    const { ww } = fakeWw(() => Promise.reject({ errMsg: 'sendChatMessage:fail no permission', errCode: 1 }));
    const sendMessage = createChatSender({
      ww,
      wecom: { corpId: 'ww1', agentId: '1' },
      sign: () => Promise.resolve(signature),
    });
    await expect(sendMessage(chatMessage(share(false), 'news'))).rejects.toMatchObject({
      name: 'WecomCallError',
      reason: 'failed',
      errMsg: 'sendChatMessage:fail no permission',
    });
  });

  it('gives up with a clear message when WeCom never answers', async () => {
    vi.useFakeTimers();
    const { ww } = fakeWw(() => new Promise(() => {}));
    const sendMessage = createChatSender({
      ww,
      wecom: { corpId: 'ww1', agentId: '1' },
      sign: () => Promise.resolve(signature),
      timeoutMs: 1000,
    });
    const pending = sendMessage(chatMessage(share(false), 'news'));
    const settled = pending.catch((reason: unknown) => reason);
    await vi.advanceTimersByTimeAsync(4000);
    const reason = await settled;
    expect(reason).toBeInstanceOf(WecomCallError);
    expect(reason).toMatchObject({ api: 'sendChatMessage', reason: 'timeout' });
  });
});
