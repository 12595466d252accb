/**
 * Staff sign-in flows, written against injected functions so they can be tested without a browser or WeCom.
 *
 * - Inside WeCom: WeCom OAuth. With no session and no `code`, go to the authorize URL; with a `code`, take it off the
 *   URL first (it is single use, and a reload must not send it again), then exchange it.
 * - Emulated (sandbox, normal browser): the sandbox hands out the OAuth code WeCom would have given the chosen staff
 *   member, and it is exchanged exactly like a real one.
 */
import type { StaffProfile } from '@careloop/shared';
import { ApiError } from '@careloop/shared/client';
import { buildOAuthUrl, readOAuthReturn } from './oauth';

/** True for the errors that mean "there is no usable session": sign in again rather than show the error. */
export function isSessionError(error: unknown): boolean {
  return error instanceof ApiError && error.status === 401;
}

export interface WecomSignInDeps {
  wecom: { corpId: string; agentId: string };
  /** The page URL now (location.href). */
  href: string;
  hasSession(): boolean;
  /** POST /api/staff/auth/wecom; stores the tokens and resolves to the staff member. */
  exchangeCode(code: string): Promise<StaffProfile>;
  /** GET /api/staff/me with the stored session. */
  loadProfile(): Promise<StaffProfile>;
  /** Forgets the stored session. */
  clearSession(): void;
  /** history.replaceState to this URL. */
  replaceUrl(url: string): void;
  /** location.replace to this URL. */
  redirect(url: string): void;
}

export type WecomSignInResult = { status: 'signed-in'; staff: StaffProfile } | { status: 'redirecting'; url: string };

/** The OAuth authorize URL that brings the user back to this page (without any old code). */
export function oauthUrlFor(wecom: { corpId: string; agentId: string }, href: string): string {
  return buildOAuthUrl({ corpId: wecom.corpId, agentId: wecom.agentId, redirectUri: readOAuthReturn(href).cleanUrl });
}

export async function signInInsideWecom(deps: WecomSignInDeps): Promise<WecomSignInResult> {
  const { code, cleanUrl } = readOAuthReturn(deps.href);
  if (code) {
    // Remove the code before using it: whatever happens next, a reload must not present it a second time.
    deps.replaceUrl(cleanUrl);
    const staff = await deps.exchangeCode(code);
    return { status: 'signed-in', staff };
  }
  if (deps.hasSession()) {
    try {
      return { status: 'signed-in', staff: await deps.loadProfile() };
    } catch (error) {
      if (!isSessionError(error)) throw error;
      deps.clearSession();
    }
  }
  const url = oauthUrlFor(deps.wecom, cleanUrl);
  deps.redirect(url);
  return { status: 'redirecting', url };
}

export interface EmulatedSignInDeps<T = StaffProfile> {
  /** POST /sandbox/control/wecom/oauth-code {userid} → the code. */
  getSandboxCode(userid: string): Promise<string>;
  /** POST /api/staff/auth/wecom; stores the tokens and resolves to the staff member. */
  exchangeCode(code: string): Promise<T>;
}

/** Signs in as a sandbox WeCom user, through the same code exchange as a real OAuth code. */
export async function signInEmulated<T = StaffProfile>(userid: string, deps: EmulatedSignInDeps<T>): Promise<T> {
  const code = await deps.getSandboxCode(userid);
  return deps.exchangeCode(code);
}

/** Picks up a stored session: the staff member, or null when there is none or it can no longer be used. */
export async function restoreSession(deps: {
  hasSession(): boolean;
  loadProfile(): Promise<StaffProfile>;
  clearSession(): void;
}): Promise<StaffProfile | null> {
  if (!deps.hasSession()) return null;
  try {
    return await deps.loadProfile();
  } catch (error) {
    if (!isSessionError(error)) throw error;
    deps.clearSession();
    return null;
  }
}
