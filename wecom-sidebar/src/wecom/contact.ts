/**
 * The current chat's external contact inside WeCom: register the app with the JS-SDK, ask where the page was opened
 * from, read the external contact's userId and find the customer it belongs to. `ww` is injected (the real module in
 * the app, a fake in tests); every call goes through a timeout.
 */
import type { CustomerProfile, JsSdkSignature } from '@careloop/shared';
import { isSidebarEntry } from './mode';
import { callWithTimeout, WECOM_CALL_TIMEOUT_MS } from './timeout';

/** The JS-SDK interfaces the sidebar asks for. */
export const JS_API_LIST = ['getContext', 'getCurExternalContact', 'sendChatMessage'];

type SignatureFactory = (url: string) => Promise<JsSdkSignature>;

/** The part of `@wecom/jssdk` this module uses; the real module satisfies it. */
export interface WwApi {
  register(options: {
    corpId: string;
    agentId?: string | number;
    jsApiList?: string[];
    getConfigSignature?: SignatureFactory;
    getAgentConfigSignature?: SignatureFactory;
  }): void;
  getContext(): Promise<{ entry: string }>;
  getCurExternalContact(): Promise<{ userId: string }>;
}

export type SignatureType = 'config' | 'agentConfig';

export interface WecomContactDeps {
  ww: WwApi;
  wecom: { corpId: string; agentId: string };
  /** POST /api/staff/wecom/js-signature. */
  sign(url: string, type: SignatureType): Promise<JsSdkSignature>;
  /** GET /api/staff/customers/by-external/:id, null on NOT_FOUND. */
  findCustomer(externalUserId: string): Promise<CustomerProfile | null>;
  timeoutMs?: number;
}

export type WecomContact =
  /** A one-to-one chat; `customer` is null when nobody in the organisation has this external contact. */
  | { entry: 'single_chat_tools'; externalUserId: string; customer: CustomerProfile | null }
  /** A customer group chat: there is no single contact to show. */
  | { entry: 'group_chat_tools' };

export class WrongEntryError extends Error {
  constructor(readonly entry: string) {
    super(
      `请从与客户聊天窗口的侧边栏（聊天工具栏）打开本页面，当前入口：${entry || '未知'}。` +
        ` (Open this page from the chat sidebar; entry was "${entry}")`,
    );
    this.name = 'WrongEntryError';
  }
}

/** ww.register with signatures from the BFF. Synchronous in the SDK: signatures are fetched when first needed. */
export function registerJsSdk(deps: Pick<WecomContactDeps, 'ww' | 'wecom' | 'sign' | 'timeoutMs'>): Promise<void> {
  return callWithTimeout(
    'register',
    () =>
      deps.ww.register({
        corpId: deps.wecom.corpId,
        agentId: deps.wecom.agentId,
        jsApiList: JS_API_LIST,
        getConfigSignature: (url) => deps.sign(url, 'config'),
        getAgentConfigSignature: (url) => deps.sign(url, 'agentConfig'),
      }),
    deps.timeoutMs ?? WECOM_CALL_TIMEOUT_MS,
  );
}

/** Assumes registerJsSdk has run. Rejects with WrongEntryError or a WecomCallError with a message for the user. */
export async function resolveWecomContact(deps: WecomContactDeps): Promise<WecomContact> {
  const timeoutMs = deps.timeoutMs ?? WECOM_CALL_TIMEOUT_MS;
  const context = await callWithTimeout('getContext', () => deps.ww.getContext(), timeoutMs);
  const entry = context?.entry ?? '';
  if (!isSidebarEntry(entry)) throw new WrongEntryError(entry);
  // getCurExternalContact only answers in a one-to-one chat (its documented entries do not include group chats).
  if (entry === 'group_chat_tools') return { entry: 'group_chat_tools' };
  const contact = await callWithTimeout('getCurExternalContact', () => deps.ww.getCurExternalContact(), timeoutMs);
  const externalUserId = contact?.userId;
  if (!externalUserId) {
    throw new Error('企业微信没有返回当前外部联系人。 (WeCom returned no external contact userId)');
  }
  const customer = await deps.findCustomer(externalUserId);
  return { entry: 'single_chat_tools', externalUserId, customer };
}
