import type { CustomerProfile, JsSdkSignature } from '@careloop/shared';
import { afterEach, describe, expect, it, vi } from 'vitest';
import {
  JS_API_LIST,
  registerJsSdk,
  resolveWecomContact,
  WrongEntryError,
  type WwApi,
} from '../../../wecom-sidebar/src/wecom/contact';
import { WecomCallError } from '../../../wecom-sidebar/src/wecom/timeout';

const customer: CustomerProfile = {
  id: '0123456789abcdef01234569',
  organisationId: '0123456789abcdef01234568',
  kind: 'patient',
  name: '李四',
  phone: null,
  createdAt: '2025-01-02T03:04:05.000Z',
};

const wecom = { corpId: 'wwcorp', agentId: '1000002' };
const signature: JsSdkSignature = { timestamp: 1700000000, nonceStr: 'n', signature: 's' };

function fakeWw(overrides: Partial<WwApi> = {}): WwApi & { registered: Parameters<WwApi['register']>[0][] } {
  const registered: Parameters<WwApi['register']>[0][] = [];
  return {
    registered,
    register: (options) => {
      registered.push(options);
    },
    getContext: async () => ({ entry: 'single_chat_tools' }),
    getCurExternalContact: async () => ({ userId: 'wmEXTERNAL' }),
    ...overrides,
  };
}

afterEach(() => {
  vi.useRealTimers();
});

describe('registerJsSdk', () => {
  it('registers the corp and agent with the signatures from the BFF', async () => {
    const ww = fakeWw();
    const sign = vi.fn(async () => signature);
    await registerJsSdk({ ww, wecom, sign });
    expect(ww.registered).toHaveLength(1);
    const options = ww.registered[0]!;
    expect(options).toMatchObject({ corpId: 'wwcorp', agentId: '1000002', jsApiList: JS_API_LIST });
    expect(JS_API_LIST).toEqual(['getContext', 'getCurExternalContact', 'sendChatMessage']);
    await expect(options.getConfigSignature!('https://h/wecom/')).resolves.toBe(signature);
    await expect(options.getAgentConfigSignature!('https://h/wecom/')).resolves.toBe(signature);
    expect(sign.mock.calls).toEqual([
      ['https://h/wecom/', 'config'],
      ['https://h/wecom/', 'agentConfig'],
    ]);
  });

  it('reports a register that throws', async () => {
    const ww = fakeWw({
      register: () => {
        throw new Error('bad corp');
      },
    });
    await expect(registerJsSdk({ ww, wecom, sign: async () => signature })).rejects.toMatchObject({
      api: 'register',
      errMsg: 'bad corp',
    });
  });
});

describe('resolveWecomContact', () => {
  it('finds the customer of the one-to-one chat', async () => {
    const findCustomer = vi.fn(async () => customer);
    const result = await resolveWecomContact({ ww: fakeWw(), wecom, sign: async () => signature, findCustomer });
    expect(result).toEqual({ entry: 'single_chat_tools', externalUserId: 'wmEXTERNAL', customer });
    expect(findCustomer).toHaveBeenCalledWith('wmEXTERNAL');
  });

  it('says when the external contact has no customer profile', async () => {
    const result = await resolveWecomContact({
      ww: fakeWw(),
      wecom,
      sign: async () => signature,
      findCustomer: async () => null,
    });
    expect(result).toEqual({ entry: 'single_chat_tools', externalUserId: 'wmEXTERNAL', customer: null });
  });

  it('rejects a page opened from anywhere but the chat sidebar', async () => {
    const getCurExternalContact = vi.fn(async () => ({ userId: 'x' }));
    const ww = fakeWw({ getContext: async () => ({ entry: 'normal' }), getCurExternalContact });
    const result = resolveWecomContact({ ww, wecom, sign: async () => signature, findCustomer: async () => null });
    await expect(result).rejects.toBeInstanceOf(WrongEntryError);
    await expect(result).rejects.toThrow(/normal/);
    expect(getCurExternalContact).not.toHaveBeenCalled();
  });

  it('does not ask for a single contact in a group chat', async () => {
    const getCurExternalContact = vi.fn(async () => ({ userId: 'x' }));
    const ww = fakeWw({ getContext: async () => ({ entry: 'group_chat_tools' }), getCurExternalContact });
    const result = await resolveWecomContact({
      ww,
      wecom,
      sign: async () => signature,
      findCustomer: async () => null,
    });
    expect(result).toEqual({ entry: 'group_chat_tools' });
    expect(getCurExternalContact).not.toHaveBeenCalled();
  });

  it('times out a getContext that never settles', async () => {
    vi.useFakeTimers();
    const ww = fakeWw({ getContext: () => new Promise<never>(() => {}) });
    const result = resolveWecomContact({
      ww,
      wecom,
      sign: async () => signature,
      findCustomer: async () => null,
      timeoutMs: 8000,
    });
    const check = expect(result).rejects.toMatchObject({ api: 'getContext', reason: 'timeout' });
    await vi.advanceTimersByTimeAsync(8000);
    await check;
  });

  it('times out a getCurExternalContact that never settles', async () => {
    vi.useFakeTimers();
    const findCustomer = vi.fn(async () => customer);
    const ww = fakeWw({ getCurExternalContact: () => new Promise<never>(() => {}) });
    const result = resolveWecomContact({ ww, wecom, sign: async () => signature, findCustomer, timeoutMs: 8000 });
    const check = expect(result).rejects.toBeInstanceOf(WecomCallError);
    await vi.advanceTimersByTimeAsync(8000);
    await check;
    await expect(result).rejects.toMatchObject({ api: 'getCurExternalContact', reason: 'timeout' });
    expect(findCustomer).not.toHaveBeenCalled();
  });

  it("passes on WeCom's failure message", async () => {
    const ww = fakeWw({
      getCurExternalContact: () =>
        Promise.reject({ errMsg: 'getCurExternalContact:fail without context of external contact', errCode: -1 }),
    });
    const result = resolveWecomContact({ ww, wecom, sign: async () => signature, findCustomer: async () => null });
    await expect(result).rejects.toThrow(/without context of external contact/);
  });
});
