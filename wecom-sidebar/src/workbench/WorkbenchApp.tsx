import { useCallback } from 'react';
import { ROLE_LABELS } from '../labels';
import { ErrorBanner, SessionNotice } from '../shell/components';
import { EmulatedBar } from '../shell/EmulatedBar';
import { useStaffSession } from '../shell/useStaffSession';

export function WorkbenchApp() {
  const session = useStaffSession();
  const { staff, setError } = session;
  const dismiss = useCallback(() => setError(null), [setError]);

  return (
    <div className="workbench">
      {session.mode === 'emulated' ? <EmulatedBar session={session} /> : null}
      <header className="topbar">
        <div className="topbar__brand">
          <span className="brand">CareLoop</span>
          <span className="topbar__title">工作台 Workbench</span>
        </div>
        {staff ? (
          <div className="topbar__user">
            <span className="topbar__who">
              {staff.name}
              <span className="muted"> · {staff.organisation.name}</span>
            </span>
            <button
              type="button"
              className="button"
              data-testid="sign-out"
              disabled={session.busy}
              onClick={() => void session.signOut()}
            >
              退出登录 Sign out
            </button>
          </div>
        ) : null}
      </header>
      <ErrorBanner message={session.error} onDismiss={dismiss} />
      <main className="workbench__main">
        {staff ? (
          <div className="grid">
            <section className="card">
              <h2 className="card__title">我的账号 My account</h2>
              <dl className="facts">
                <dt>姓名 Name</dt>
                <dd data-testid="staff-name">{staff.name}</dd>
                <dt>职位 Position</dt>
                <dd data-testid="staff-position">{staff.position || '—'}</dd>
                <dt>角色 Roles</dt>
                <dd data-testid="staff-roles">
                  {staff.roles.length ? (
                    staff.roles.map((role) => (
                      <span key={role} className={`chip chip--${role}`}>
                        {ROLE_LABELS[role] ?? role}
                      </span>
                    ))
                  ) : (
                    <span className="muted">—</span>
                  )}
                </dd>
                <dt>企业微信账号 WeCom user</dt>
                <dd className="mono">{staff.wecomUserId}</dd>
              </dl>
            </section>
            <section className="card">
              <h2 className="card__title">所属机构 Organisation</h2>
              <p className="org" data-testid="organisation-name">
                {staff.organisation.name}
              </p>
            </section>
          </div>
        ) : (
          <SessionNotice session={session} />
        )}
      </main>
    </div>
  );
}
