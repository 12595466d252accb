/**
 * The signed-in staff member, for both pages: loads the app config, decides the context mode, and signs in the way
 * that mode needs (WeCom OAuth, or the emulated context's staff picker).
 */
import type { AppConfig, StaffLoginResponse, StaffProfile } from '@careloop/shared';
import { ApiError } from '@careloop/shared/client';
import { useCallback, useEffect, useRef, useState } from 'react';
import { describeError } from '../api/errors';
import { sessionStore, STORAGE_KEYS } from '../api/storage';
import { decideContextMode, type ContextMode } from '../wecom/mode';
import { isInsideWecom } from '../wecom/jssdk';
import { oauthUrlFor, restoreSession, signInEmulated, signInInsideWecom } from '../wecom/signIn';
import { api, setReauthenticate, tokens } from './runtime';

export type SessionPhase = 'loading' | 'unsupported' | 'redirecting' | 'ready' | 'failed';

export interface StaffSession {
  phase: SessionPhase;
  mode: ContextMode | null;
  config: AppConfig | null;
  staff: StaffProfile | null;
  /** Emulated context: the sandbox WeCom userid signed in as. */
  emulatedUserId: string | null;
  busy: boolean;
  error: string | null;
  setError(message: string | null): void;
  /** Emulated context only. */
  signInAs(userid: string): Promise<void>;
  signOut(): Promise<void>;
  /** Inside WeCom: start OAuth again. */
  signInWithWecom(): void;
}

interface Boot {
  mode: ContextMode;
  config: AppConfig;
  staff: StaffProfile | null;
  redirecting: boolean;
}

function storeLogin(response: StaffLoginResponse): StaffProfile {
  tokens.set({
    accessToken: response.accessToken,
    refreshToken: response.refreshToken,
    expiresIn: response.expiresIn,
  });
  return response.staff;
}

async function exchangeCode(code: string): Promise<StaffProfile> {
  return storeLogin(await api.staffSignIn(code));
}

const browser = {
  href: () => window.location.href,
  replaceUrl: (url: string) => window.history.replaceState(window.history.state, '', url),
  redirect: (url: string) => window.location.replace(url),
};

async function boot(): Promise<Boot> {
  const config = await api.appConfig();
  // Decide first: outside WeCom no `ww` function may be called.
  const mode = decideContextMode({ isWeCom: isInsideWecom(), sandbox: config.sandbox });
  const session = {
    hasSession: () => tokens.get() !== null,
    loadProfile: () => api.me(),
    clearSession: () => tokens.set(null),
  };
  if (mode === 'unsupported') {
    setReauthenticate(null);
    return { mode, config, staff: null, redirecting: false };
  }
  if (mode === 'wecom') {
    setReauthenticate(() => {
      browser.redirect(oauthUrlFor(config.wecom, browser.href()));
      return Promise.reject(new ApiError(401, 'UNAUTHENTICATED', '登录已过期，正在重新登录… (Signing in again)'));
    });
    const result = await signInInsideWecom({
      ...session,
      ...browser,
      exchangeCode,
      wecom: config.wecom,
      href: browser.href(),
    });
    return result.status === 'signed-in'
      ? { mode, config, staff: result.staff, redirecting: false }
      : { mode, config, staff: null, redirecting: true };
  }
  // Emulated: a session that can no longer be refreshed is renewed with a fresh sandbox code for the same user.
  setReauthenticate(async () => {
    const userid = sessionStore.getItem(STORAGE_KEYS.emulatedStaff);
    if (!userid) throw new ApiError(401, 'UNAUTHENTICATED', '请先选择员工登录 (Pick a staff member to sign in)');
    const { code } = await api.sandbox.oauthCode(userid);
    const response = await api.staffSignIn(code);
    return { accessToken: response.accessToken, refreshToken: response.refreshToken, expiresIn: response.expiresIn };
  });
  const staff = await restoreSession(session);
  if (!staff) sessionStore.removeItem(STORAGE_KEYS.emulatedStaff);
  return { mode, config, staff, redirecting: false };
}

// One boot per page load: React may run effects twice in development, and an OAuth code is single use.
let booting: Promise<Boot> | null = null;

export function useStaffSession(): StaffSession {
  const [phase, setPhase] = useState<SessionPhase>('loading');
  const [mode, setMode] = useState<ContextMode | null>(null);
  const [config, setConfig] = useState<AppConfig | null>(null);
  const [staff, setStaff] = useState<StaffProfile | null>(null);
  const [emulatedUserId, setEmulatedUserId] = useState<string | null>(() =>
    sessionStore.getItem(STORAGE_KEYS.emulatedStaff),
  );
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  // The latest emulated sign-in: an older one that finishes later must not overwrite it.
  const pending = useRef<{ userid: string; promise: Promise<void> } | null>(null);

  useEffect(() => {
    let active = true;
    booting ??= boot();
    booting.then(
      (result) => {
        if (!active) return;
        setMode(result.mode);
        setConfig(result.config);
        setStaff(result.staff);
        if (!result.staff) setEmulatedUserId(null);
        setPhase(result.redirecting ? 'redirecting' : result.mode === 'unsupported' ? 'unsupported' : 'ready');
      },
      (reason: unknown) => {
        if (!active) return;
        setError(describeError(reason));
        setPhase('failed');
      },
    );
    return () => {
      active = false;
    };
  }, []);

  const signInAs = useCallback(
    (userid: string): Promise<void> => {
      if (mode !== 'emulated' || !userid) return Promise.resolve();
      // Choosing the user and pressing the button both sign in: the second asks for nothing new.
      if (pending.current?.userid === userid) return pending.current.promise;
      if (!pending.current && staff && staff.wecomUserId === userid) return Promise.resolve();
      const attempt = { userid, promise: Promise.resolve() };
      const isLatest = () => pending.current === attempt;
      setBusy(true);
      setError(null);
      setEmulatedUserId(userid);
      attempt.promise = (async () => {
        try {
          const profile = await signInEmulated(userid, {
            getSandboxCode: async (id) => (await api.sandbox.oauthCode(id)).code,
            // A sign-in overtaken by a later choice must not leave its tokens behind.
            exchangeCode: async (code) => {
              const response = await api.staffSignIn(code);
              return isLatest() ? storeLogin(response) : null;
            },
          });
          if (!isLatest() || !profile) return;
          sessionStore.setItem(STORAGE_KEYS.emulatedStaff, userid);
          setStaff(profile);
        } catch (reason) {
          if (!isLatest()) return;
          // The previous session, if any, is untouched: show who is still signed in.
          setEmulatedUserId(sessionStore.getItem(STORAGE_KEYS.emulatedStaff));
          setError(describeError(reason));
        } finally {
          if (isLatest()) {
            pending.current = null;
            setBusy(false);
          }
        }
      })();
      pending.current = attempt;
      return attempt.promise;
    },
    [mode, staff],
  );

  const signOut = useCallback(async () => {
    const current = tokens.get();
    setBusy(true);
    setError(null);
    try {
      if (current) await api.logout(current.refreshToken);
    } catch (reason) {
      // The local session goes anyway; say that the server did not confirm.
      setError(`退出时服务器返回错误：${describeError(reason)} (Signed out locally)`);
    } finally {
      tokens.set(null);
      sessionStore.removeItem(STORAGE_KEYS.emulatedStaff);
      sessionStore.removeItem(STORAGE_KEYS.emulatedContact);
      setEmulatedUserId(null);
      setStaff(null);
      setBusy(false);
    }
  }, []);

  const signInWithWecom = useCallback(() => {
    if (!config) return;
    setPhase('redirecting');
    browser.redirect(oauthUrlFor(config.wecom, browser.href()));
  }, [config]);

  return {
    phase,
    mode,
    config,
    staff,
    emulatedUserId,
    busy,
    error,
    setError,
    signInAs,
    signOut,
    signInWithWecom,
  };
}
