import type { StaffProfile } from '@careloop/shared';
import { ApiError } from '@careloop/shared/client';
import { describe, expect, it, vi } from 'vitest';
import {
  oauthUrlFor,
  restoreSession,
  signInEmulated,
  signInInsideWecom,
  type WecomSignInDeps,
} from '../../../wecom-sidebar/src/wecom/signIn';

const staff: StaffProfile = {
  id: '0123456789abcdef01234567',
  wecomUserId: 'zhangsan',
  name: '张三',
  position: '咨询师',
  roles: ['staff'],
  organisation: { id: '0123456789abcdef01234568', name: '微笑口腔' },
};

const wecom = { corpId: 'wwcorp', agentId: '1000002' };

function fakes(overrides: Partial<WecomSignInDeps> = {}) {
  const calls: string[] = [];
  const deps: WecomSignInDeps = {
    wecom,
    href: 'https://crm.example.com/wecom/',
    hasSession: vi.fn(() => false),
    exchangeCode: vi.fn(async (code: string) => {
      calls.push(`exchange:${code}`);
      return staff;
    }),
    loadProfile: vi.fn(async () => {
      calls.push('me');
      return staff;
    }),
    clearSession: vi.fn(() => calls.push('clear')),
    replaceUrl: vi.fn((url: string) => calls.push(`replace:${url}`)),
    redirect: vi.fn((url: string) => calls.push(`redirect:${url}`)),
    ...overrides,
  };
  return { deps, calls };
}

describe('signInInsideWecom', () => {
  it('goes to WeCom OAuth when there is no session and no code', async () => {
    const { deps, calls } = fakes({ href: 'https://crm.example.com/wecom/?tab=1' });
    const result = await signInInsideWecom(deps);
    const expected =
      'https://open.weixin.qq.com/connect/oauth2/authorize?appid=wwcorp' +
      '&redirect_uri=https%3A%2F%2Fcrm.example.com%2Fwecom%2F%3Ftab%3D1' +
      '&response_type=code&scope=snsapi_base&state=careloop&agentid=1000002#wechat_redirect';
    expect(result).toEqual({ status: 'redirecting', url: expected });
    expect(calls).toEqual([`redirect:${expected}`]);
  });

  it('removes the code from the URL before exchanging it, and never redirects', async () => {
    const { deps, calls } = fakes({
      href: 'https://crm.example.com/wecom/workbench/?code=CODE1&state=careloop',
      hasSession: () => true,
    });
    const result = await signInInsideWecom(deps);
    expect(result).toEqual({ status: 'signed-in', staff });
    expect(calls).toEqual(['replace:https://crm.example.com/wecom/workbench/', 'exchange:CODE1']);
  });

  it('lets a failed code exchange surface as an error instead of redirecting again', async () => {
    const failure = new ApiError(401, 'LOGIN_CODE_INVALID', 'The code is invalid or used');
    const { deps, calls } = fakes({
      href: 'https://crm.example.com/wecom/?code=USED',
      exchangeCode: vi.fn(async () => {
        throw failure;
      }),
    });
    await expect(signInInsideWecom(deps)).rejects.toBe(failure);
    expect(calls).toEqual(['replace:https://crm.example.com/wecom/']);
  });

  it('uses a stored session when there is one', async () => {
    const { deps, calls } = fakes({ hasSession: () => true });
    await expect(signInInsideWecom(deps)).resolves.toEqual({ status: 'signed-in', staff });
    expect(calls).toEqual(['me']);
  });

  it('forgets a session the server no longer accepts and signs in through OAuth', async () => {
    const { deps, calls } = fakes({
      hasSession: () => true,
      loadProfile: vi.fn(async () => {
        throw new ApiError(401, 'REFRESH_TOKEN_EXPIRED', 'expired');
      }),
    });
    const result = await signInInsideWecom(deps);
    expect(result.status).toBe('redirecting');
    expect(calls[0]).toBe('clear');
    expect(calls[1]).toMatch(/^redirect:https:\/\/open\.weixin\.qq\.com\//);
  });

  it('does not hide other failures behind a redirect', async () => {
    const failure = new ApiError(503, 'DATABASE_UNAVAILABLE', 'down');
    const { deps, calls } = fakes({
      hasSession: () => true,
      loadProfile: vi.fn(async () => {
        throw failure;
      }),
    });
    await expect(signInInsideWecom(deps)).rejects.toBe(failure);
    expect(calls).toEqual([]);
  });
});

describe('oauthUrlFor', () => {
  it('redirects back to the page without an old code', () => {
    const url = oauthUrlFor(wecom, 'https://h/wecom/?code=OLD&state=careloop&x=1');
    expect(url).toContain('redirect_uri=https%3A%2F%2Fh%2Fwecom%2F%3Fx%3D1&');
  });
});

describe('signInEmulated', () => {
  it('gets a code from the sandbox for the chosen user and exchanges it like a real one', async () => {
    const getSandboxCode = vi.fn(async (userid: string) => `code-for-${userid}`);
    const exchangeCode = vi.fn(async () => staff);
    await expect(signInEmulated('zhangsan', { getSandboxCode, exchangeCode })).resolves.toBe(staff);
    expect(getSandboxCode).toHaveBeenCalledWith('zhangsan');
    expect(exchangeCode).toHaveBeenCalledWith('code-for-zhangsan');
  });

  it('fails when the sandbox does not give a code', async () => {
    const exchangeCode = vi.fn(async () => staff);
    const failure = new ApiError(404, 'NOT_FOUND', 'no such user');
    await expect(
      signInEmulated('ghost', {
        getSandboxCode: async () => {
          throw failure;
        },
        exchangeCode,
      }),
    ).rejects.toBe(failure);
    expect(exchangeCode).not.toHaveBeenCalled();
  });
});

describe('restoreSession', () => {
  it('is null without a stored session and asks nothing', async () => {
    const loadProfile = vi.fn(async () => staff);
    await expect(restoreSession({ hasSession: () => false, loadProfile, clearSession: () => {} })).resolves.toBeNull();
    expect(loadProfile).not.toHaveBeenCalled();
  });

  it('loads the profile of a stored session', async () => {
    await expect(
      restoreSession({ hasSession: () => true, loadProfile: async () => staff, clearSession: () => {} }),
    ).resolves.toBe(staff);
  });

  it('clears a session that can no longer be used', async () => {
    const clearSession = vi.fn();
    const result = await restoreSession({
      hasSession: () => true,
      loadProfile: async () => {
        throw new ApiError(401, 'UNAUTHENTICATED', 'no');
      },
      clearSession,
    });
    expect(result).toBeNull();
    expect(clearSession).toHaveBeenCalledOnce();
  });
});
