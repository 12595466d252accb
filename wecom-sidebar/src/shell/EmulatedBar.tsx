/**
 * The emulated WeCom context (sandbox only, normal browser): who is signed in, and, on the sidebar, which external
 * contact the "chat" is with. It stands in for what the WeCom client would tell the page.
 */
import type { SandboxWecomUser } from '@careloop/shared';
import { useEffect, useState } from 'react';
import { describeError } from '../api/errors';
import { api } from './runtime';
import type { StaffSession } from './useStaffSession';

export function EmulatedBar({ session, children }: { session: StaffSession; children?: React.ReactNode }) {
  const [users, setUsers] = useState<SandboxWecomUser[] | null>(null);
  const [selected, setSelected] = useState<string>(session.emulatedUserId ?? '');
  const { setError } = session;

  useEffect(() => {
    let active = true;
    api.sandbox.wecomUsers().then(
      (list) => {
        if (active) setUsers(list);
      },
      (reason: unknown) => {
        if (!active) return;
        setUsers([]);
        setError(`无法读取沙箱员工列表：${describeError(reason)} (Could not list sandbox staff)`);
      },
    );
    return () => {
      active = false;
    };
  }, [setError]);

  // Follow the session (a failed switch goes back to the signed-in user, signing out clears it).
  useEffect(() => {
    setSelected(session.emulatedUserId ?? '');
  }, [session.emulatedUserId]);

  const signIn = (userid: string) => {
    if (userid) void session.signInAs(userid);
  };

  return (
    <section className="emulated" aria-label="模拟企业微信环境 Emulated WeCom context">
      <div className="emulated__title">
        <span className="emulated__badge">沙箱 Sandbox</span>
        <span className="emulated__heading">
          模拟企业微信环境 <span className="muted">Emulated WeCom context</span>
        </span>
      </div>
      <div className="emulated__row">
        <label className="emulated__label" htmlFor="emulated-staff" title="Staff">
          员工
        </label>
        <select
          id="emulated-staff"
          className="emulated__select"
          data-testid="emulated-staff-select"
          value={selected}
          disabled={users === null}
          onChange={(event) => {
            setSelected(event.target.value);
            signIn(event.target.value);
          }}
        >
          <option value="">{users === null ? '加载中… Loading' : '— 选择员工 Pick staff —'}</option>
          {(users ?? []).map((user) => (
            <option key={user.userid} value={user.userid}>
              {user.name} ({user.userid})
            </option>
          ))}
        </select>
        <button
          type="button"
          className="button button--small"
          data-testid="emulated-staff-signin"
          disabled={!selected}
          onClick={() => signIn(selected)}
        >
          {session.busy ? '登录中…' : '登录 Sign in'}
        </button>
      </div>
      {children}
    </section>
  );
}
