/**
 * Sending content into the current chat (全员营销). The BFF gives the staff member's share token and two cards
 * (POST /api/staff/content/:id/share); the sidebar sends one with the JS-SDK's `sendChatMessage`: a mini-program card
 * when the content has a cover (WeCom requires its image), else a news (H5 link) card. Inside WeCom the call goes
 * through `ww` (registered with the app's identity, every call under a timeout); outside WeCom (the emulated
 * context) nothing can be sent, so the page shows what would have been sent — the share is recorded either way.
 */
import type { JsSdkSignature } from '@careloop/shared';
import { JS_API_LIST } from '../wecom/contact';
import { callWithTimeout, WECOM_CALL_TIMEOUT_MS } from '../wecom/timeout';
import type { ContentAudience, StaffShare } from './types';

export type CardKind = 'miniprogram' | 'news';

export type ChatMessage =
  | { msgtype: 'miniprogram'; miniprogram: NonNullable<StaffShare['miniprogram']> }
  | { msgtype: 'news'; news: StaffShare['news'] };

/** The card kinds this share can be sent as, the preferred first. */
export function cardKinds(share: Pick<StaffShare, 'miniprogram'>): CardKind[] {
  return share.miniprogram ? ['miniprogram', 'news'] : ['news'];
}

/** The message for `sendChatMessage`; a mini-program card without an image falls back to the news card. */
export function chatMessage(share: Pick<StaffShare, 'miniprogram' | 'news'>, kind: CardKind): ChatMessage {
  if (kind === 'miniprogram' && share.miniprogram) return { msgtype: 'miniprogram', miniprogram: share.miniprogram };
  return { msgtype: 'news', news: share.news };
}

/** What the message says, line by line, for the emulated context's "would have sent" note. */
export function describeChatMessage(message: ChatMessage): { label: string; value: string }[] {
  if (message.msgtype === 'miniprogram') {
    const card = message.miniprogram;
    return [
      { label: '消息类型', value: '小程序卡片 miniprogram' },
      { label: '标题', value: card.title },
      { label: '小程序 appid', value: card.appid },
      { label: '页面', value: card.page },
      { label: '封面', value: card.imgUrl },
    ];
  }
  const card = message.news;
  return [
    { label: '消息类型', value: '图文链接 news' },
    { label: '标题', value: card.title },
    { label: '摘要', value: card.desc || '（无）' },
    { label: '链接', value: card.link },
    { label: '封面', value: card.imgUrl || '（无）' },
  ];
}

export type SendCheck = { ok: true } | { ok: false; reason: string };

/**
 * Whether this content may go to the chat's customer: HCP-only content only to a verified HCP (the server refuses
 * the rest with HCP_ONLY; the picker says so before the tap).
 */
export function canSendTo(
  audience: ContentAudience,
  customer: { kind: string; hcp: { verification: string } | null } | null,
): SendCheck {
  if (audience !== 'hcp') return { ok: true };
  if (customer?.kind === 'hcp' && customer.hcp?.verification === 'verified') return { ok: true };
  return { ok: false, reason: '仅限认证医生：当前客户不是已认证的医疗专业人士 HCP only' };
}

/** The part of `@wecom/jssdk` sending needs; the real module satisfies it. */
export interface WwSendApi {
  register(options: {
    corpId: string;
    agentId?: string | number;
    jsApiList?: string[];
    getConfigSignature?: (url: string) => Promise<JsSdkSignature>;
    getAgentConfigSignature?: (url: string) => Promise<JsSdkSignature>;
  }): void;
  sendChatMessage(message: ChatMessage): Promise<unknown>;
}

export interface ChatSenderDeps {
  ww: WwSendApi;
  wecom: { corpId: string; agentId: string };
  sign(url: string, type: 'config' | 'agentConfig'): Promise<JsSdkSignature>;
  timeoutMs?: number;
}

/**
 * Inside WeCom: a function that sends one message into the current chat; it resolves when WeCom says it was sent
 * and rejects with a WecomCallError (failed, cancelled, or no answer within the timeout — a staff member picking
 * the chat to send into may take a while, so the send's own timeout is longer than a plain call's).
 */
export function createChatSender(deps: ChatSenderDeps): (message: ChatMessage) => Promise<void> {
  let registered: Promise<void> | null = null;
  const timeoutMs = deps.timeoutMs ?? WECOM_CALL_TIMEOUT_MS;
  return async (message) => {
    // The sidebar's whole interface list (as the contact lookup registers it), so neither registration narrows it.
    registered ??= callWithTimeout(
      'register',
      () =>
        deps.ww.register({
          corpId: deps.wecom.corpId,
          agentId: deps.wecom.agentId,
          jsApiList: JS_API_LIST,
          getConfigSignature: (url) => deps.sign(url, 'config'),
          getAgentConfigSignature: (url) => deps.sign(url, 'agentConfig'),
        }),
      timeoutMs,
    ).catch((reason: unknown) => {
      registered = null;
      throw reason;
    });
    await registered;
    await callWithTimeout('sendChatMessage', () => deps.ww.sendChatMessage(message), timeoutMs * 4);
  };
}
