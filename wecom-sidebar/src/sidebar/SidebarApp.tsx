import type { CustomerProfile, StaffProfile } from '@careloop/shared';
import { useCallback, useEffect, useMemo } from 'react';
import { describeError } from '../api/errors';
import { ErrorBanner, Notice, SessionNotice } from '../shell/components';
import { EmulatedBar } from '../shell/EmulatedBar';
import { api } from '../shell/runtime';
import { useStaffSession } from '../shell/useStaffSession';
import { wecomScanApi } from '../wecom/jssdk';
import { createWecomScanner } from '../wecom/scan';
import { ContactPicker } from './ContactPicker';
import { SidebarViews } from './MyTasksToday';
import { Profile360 } from './Profile360';
import { useContact, type ContactState } from './useContact';

function ContactView({
  state,
  emulated,
  staff,
  onError,
  onCustomer,
  scan,
}: {
  state: ContactState;
  emulated: boolean;
  staff: StaffProfile;
  onError(message: string | null): void;
  onCustomer(customer: CustomerProfile): void;
  scan: (() => Promise<string>) | null;
}) {
  switch (state.status) {
    case 'idle':
      return emulated ? (
        <Notice title="尚未选择聊天对象">
          <p>在上方搜索客户，把他设为当前聊天对象。</p>
        </Notice>
      ) : null;
    case 'loading':
      return <Notice title="正在读取当前客户… Loading contact" />;
    case 'group-chat':
      return (
        <Notice title="客户群聊 Group chat">
          <p>请在与单个客户的聊天中打开侧边栏查看客户档案。 Open the sidebar in a one-to-one chat to see a profile.</p>
        </Notice>
      );
    case 'failed':
      return (
        <Notice title="无法读取当前客户 Could not load the contact">
          <button type="button" className="button" onClick={() => window.location.reload()}>
            重试 Retry
          </button>
        </Notice>
      );
    case 'ready':
      if (state.customer) {
        return (
          <Profile360
            customerId={state.customer.id}
            staff={staff}
            onError={onError}
            onCustomer={onCustomer}
            scan={scan}
          />
        );
      }
      return (
        <Notice title="该联系人尚未关联客户档案">
          <p>本机构还没有与这位企业微信联系人关联的客户档案。</p>
          {state.externalUserId ? <p className="muted small">external_userid: {state.externalUserId}</p> : null}
        </Notice>
      );
  }
}

export function SidebarApp() {
  const session = useStaffSession();
  const contact = useContact(session.mode, session.config?.wecom ?? null, session.staff);
  const { setError, mode } = session;
  const wecom = session.config?.wecom ?? null;
  // Inside WeCom: the camera scans the coupon the patient shows.
  const scan = useMemo(
    () =>
      mode === 'wecom' && wecom
        ? createWecomScanner({ ww: wecomScanApi, wecom, sign: (url, type) => api.jsSignature(url, type) })
        : null,
    [mode, wecom],
  );
  const dismiss = useCallback(() => setError(null), [setError]);
  // Emulated context: a task's customer becomes the chat's contact (inside WeCom the chat is WeCom's to choose).
  const { choose } = contact;
  const openCustomer = useMemo(
    () => (mode === 'emulated' ? async (customerId: string) => choose(await api.customer(customerId)) : null),
    [mode, choose],
  );
  // Emulated context: `/wecom/#customer=<id>` (the workbench's link to a customer's 360°) opens that customer.
  const signedIn = session.staff?.id ?? null;
  useEffect(() => {
    const match = /^#customer=([0-9a-f]{24})$/i.exec(window.location.hash);
    if (mode !== 'emulated' || !signedIn || !match) return;
    window.history.replaceState(null, '', window.location.pathname + window.location.search);
    api.customer(match[1]!).then(choose, (reason: unknown) => setError(describeError(reason)));
  }, [mode, signedIn, choose, setError]);
  const contactError = contact.state.status === 'failed' ? contact.state.message : null;
  const current = contact.state.status === 'ready' ? contact.state.customer : null;
  const banner = (
    <ErrorBanner message={session.error ?? contactError} onDismiss={session.error ? dismiss : undefined} />
  );

  return (
    <div className="sidebar">
      {session.mode === 'emulated' ? (
        <EmulatedBar session={session}>
          {session.staff ? <ContactPicker current={current} onChoose={contact.choose} onError={setError} /> : null}
        </EmulatedBar>
      ) : null}
      {session.staff ? (
        <>
          <header className="sidebar__header">
            <span className="brand">CareLoop</span>
            <span className="sidebar__staff">
              <span data-testid="staff-name">{session.staff.name}</span>
              <span className="muted"> · </span>
              <span className="muted" data-testid="organisation-name">
                {session.staff.organisation.name}
              </span>
            </span>
          </header>
          {banner}
          <main className="sidebar__main">
            <SidebarViews staff={session.staff} onOpenCustomer={openCustomer}>
              <ContactView
                state={contact.state}
                emulated={session.mode === 'emulated'}
                staff={session.staff}
                onError={setError}
                onCustomer={contact.update}
                scan={scan}
              />
            </SidebarViews>
          </main>
        </>
      ) : (
        <main className="sidebar__main">
          {banner}
          <SessionNotice session={session} />
        </main>
      )}
    </div>
  );
}
