import type { StaffSession } from './useStaffSession';

export function ErrorBanner({ message, onDismiss }: { message: string | null; onDismiss?: () => void }) {
  if (!message) return null;
  return (
    <div className="app-error" role="alert" data-testid="app-error">
      <span className="app-error__text">{message}</span>
      {onDismiss ? (
        // The × is drawn by CSS, so the element's text is the message alone.
        <button type="button" className="app-error__close" aria-label="关闭 Dismiss" onClick={onDismiss} />
      ) : null}
    </div>
  );
}

export function Notice({ title, children }: { title: string; children?: React.ReactNode }) {
  return (
    <section className="notice">
      <h2 className="notice__title">{title}</h2>
      {children ? <div className="notice__body">{children}</div> : null}
    </section>
  );
}

/** What the page shows while the session is not ready: loading, redirecting, unsupported, failed, signed out. */
export function SessionNotice({ session }: { session: StaffSession }) {
  switch (session.phase) {
    case 'loading':
      return <Notice title="正在加载… Loading" />;
    case 'redirecting':
      return <Notice title="正在跳转到企业微信登录… Redirecting to WeCom sign-in" />;
    case 'unsupported':
      return (
        <Notice title="请在企业微信中打开本页面">
          <p>This page must be opened inside WeCom (企业微信).</p>
        </Notice>
      );
    case 'failed':
      return (
        <Notice title="无法加载 Could not start">
          <button type="button" className="button" onClick={() => window.location.reload()}>
            重试 Retry
          </button>
        </Notice>
      );
    case 'ready':
      if (session.staff) return null;
      if (session.mode === 'wecom') {
        return (
          <Notice title="未登录 Signed out">
            <button type="button" className="button button--primary" onClick={session.signInWithWecom}>
              企业微信登录 Sign in with WeCom
            </button>
          </Notice>
        );
      }
      return (
        <Notice title="请选择员工登录">
          <p>Pick a staff member in the emulated WeCom context above to sign in.</p>
        </Notice>
      );
  }
}

/** A record's status as a coloured chip (`status--done`, `--pending` …); `data-status` holds the value itself. */
export function StatusChip({
  status,
  tone,
  label,
  testId,
}: {
  status: string;
  tone: string;
  label: string;
  testId: string;
}) {
  return (
    <span className={`status status--${tone}`} data-testid={testId} data-status={status}>
      {label}
    </span>
  );
}
