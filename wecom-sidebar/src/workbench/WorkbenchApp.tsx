import { lazy, Suspense, useCallback, useEffect, useMemo, useState } from 'react';
import { learnDoctorNames } from '../appointments/schedule';
import type { DaySchedule } from '../appointments/types';
import { contentRoute } from '../content/nav';
import { meetingRoute } from '../meetings/nav';
import { taskRoute } from '../tasks/nav';
import { journeyRoute } from '../journeys/nav';
import { segmentRoute, tagRoute } from '../tags/nav';
import { ErrorBanner, SessionNotice } from '../shell/components';
import { EmulatedBar } from '../shell/EmulatedBar';
import { api } from '../shell/runtime';
import { useStaffSession } from '../shell/useStaffSession';
import { wecomScanApi } from '../wecom/jssdk';
import { createWecomScanner } from '../wecom/scan';
import { AccountPage } from './AccountPage';
import { CampaignResultsPage } from './CampaignResultsPage';
import { CampaignsPage } from './CampaignsPage';
import { ChannelsPage } from './ChannelsPage';
import { ContentPage } from './ContentPage';
import { CouponTemplatesPage } from './CouponTemplatesPage';
import { DaySchedulePage } from './DaySchedulePage';
import { MeetingsPage } from './MeetingsPage';
import { hashDetail, pageFromHash, pagesFor } from './nav';
import { SegmentsPage } from './SegmentsPage';
import { TagsPage } from './TagLibraryPage';
import { TasksPage } from './TasksPage';
import { TemplatesPage } from './TemplatesPage';
import { useClinics } from './useClinics';

// The journeys pages (builder, graph, analytics) are a chunk of their own, fetched when first opened.
const JourneysPage = lazy(() => import('./JourneysPage').then((module) => ({ default: module.JourneysPage })));

/** The location hash, followed as it changes. */
function useHash(): string {
  const [hash, setHash] = useState(() => window.location.hash);
  useEffect(() => {
    const follow = () => setHash(window.location.hash);
    window.addEventListener('hashchange', follow);
    return () => window.removeEventListener('hashchange', follow);
  }, []);
  return hash;
}

export function WorkbenchApp() {
  const session = useStaffSession();
  const { staff, setError, config, mode } = session;
  const dismiss = useCallback(() => setError(null), [setError]);
  const hash = useHash();
  const roles = staff?.roles ?? [];
  const page = pageFromHash(hash, roles);
  const pages = pagesFor(roles);
  const clinics = useClinics(staff?.id ?? null);

  // Staff names the page has learnt (the API has no staff list): the signed-in user, and doctors seen in schedules.
  const [learnt, setLearnt] = useState<ReadonlyMap<string, string>>(() => new Map());
  const names = useMemo(() => {
    const all = new Map(learnt);
    if (staff) all.set(staff.id, staff.name);
    return all;
  }, [learnt, staff]);
  const onSchedule = useCallback((schedule: DaySchedule) => {
    setLearnt((current) => {
      const next = learnDoctorNames(schedule, new Map(current));
      const changed = next.size !== current.size || [...next].some(([id, name]) => current.get(id) !== name);
      return changed ? next : current;
    });
  }, []);

  const wecom = config?.wecom ?? null;
  const scan = useMemo(
    () =>
      mode === 'wecom' && wecom
        ? createWecomScanner({ ww: wecomScanApi, wecom, sign: (url, type) => api.jsSignature(url, type) })
        : null,
    [mode, wecom],
  );

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
              <span data-testid="staff-name">{staff.name}</span>
              <span className="muted">
                {' '}
                · <span data-testid="organisation-name">{staff.organisation.name}</span>
              </span>
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
      {staff ? (
        <nav className="tabs" aria-label="工作台 Workbench">
          {pages.map((item) => (
            <a
              key={item.id}
              href={`#${item.id}`}
              className={`tabs__tab${item.id === page ? ' tabs__tab--current' : ''}`}
              aria-current={item.id === page ? 'page' : undefined}
              data-testid={item.testId}
            >
              {item.label} <span className="tabs__hint">{item.hint}</span>
            </a>
          ))}
        </nav>
      ) : null}
      <ErrorBanner message={session.error} onDismiss={dismiss} />
      <main className="workbench__main">
        {!staff ? (
          <SessionNotice session={session} />
        ) : page === 'schedule' ? (
          <DaySchedulePage clinics={clinics} names={names} onSchedule={onSchedule} scan={scan} />
        ) : page === 'templates' ? (
          <TemplatesPage key={staff.id} staff={staff} clinics={clinics} names={names} />
        ) : page === 'campaigns' ? (
          <CampaignsPage key={staff.id} staff={staff} selectedId={hashDetail(hash) || null} />
        ) : page === 'coupons' ? (
          <CouponTemplatesPage key={staff.id} staff={staff} clinics={clinics} />
        ) : page === 'channels' ? (
          <ChannelsPage key={staff.id} staff={staff} />
        ) : page === 'results' ? (
          <CampaignResultsPage key={staff.id} selectedId={hashDetail(hash) || null} />
        ) : page === 'content' ? (
          <ContentPage key={staff.id} staff={staff} route={contentRoute(hash)} />
        ) : page === 'meetings' ? (
          <MeetingsPage key={staff.id} staff={staff} route={meetingRoute(hash)} scan={scan} />
        ) : page === 'tasks' ? (
          <TasksPage key={staff.id} staff={staff} clinics={clinics} route={taskRoute(hash)} />
        ) : page === 'journeys' ? (
          <Suspense fallback={<p className="muted">加载中… Loading</p>}>
            <JourneysPage
              key={staff.id}
              staff={staff}
              route={journeyRoute(hash)}
              sidebarLinks={session.mode === 'emulated'}
            />
          </Suspense>
        ) : page === 'tags' ? (
          <TagsPage key={staff.id} staff={staff} route={tagRoute(hash)} />
        ) : page === 'segments' ? (
          <SegmentsPage key={`${staff.id}:${hash}`} staff={staff} route={segmentRoute(hash)} />
        ) : (
          <AccountPage staff={staff} />
        )}
      </main>
    </div>
  );
}
