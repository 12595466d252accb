/**
 * The 360° view of the customer in the current chat: a possible-duplicate banner, the header, tags, consent, the
 * base-data form and the timeline. The header, tags and consent come from one `/profile` request; the timeline pages
 * on its own. Changes the server confirms are applied in place; the profile is fetched again only when the server
 * computes what changes (an edit, a new owner, a merge).
 */
import type { CustomerProfile, StaffProfile, UpdateCustomerRequest } from '@careloop/shared';
import { useCallback, useEffect, useMemo, useState } from 'react';
import { describeError } from '../api/errors';
import { Notice } from '../shell/components';
import { api } from '../shell/runtime';
import { staffNameLookup, withConsent, withoutDuplicate, withTagAdded, withTagRemoved } from '../profile/profileView';
import { appointmentSummary } from '../appointments/schedule';
import type { Appointment } from '../appointments/types';
import { Appointments } from './Appointments';
import { ConsentCard } from './ConsentCard';
import { ContentPicker } from './ContentPicker';
import { Coupons } from './Coupons';
import { CustomerJourneys } from './CustomerJourneys';
import { DuplicateBanner } from './DuplicateBanner';
import { EditForm } from './EditForm';
import { ProfileHeader, type HeaderActions } from './ProfileHeader';
import { TagList } from './TagList';
import { Tasks } from './Tasks';
import { Timeline } from './Timeline';
import { useAttribution } from './useAttribution';
import { useProfile } from './useProfile';

export function Profile360({
  customerId,
  staff,
  onError,
  onCustomer,
  scan = null,
}: {
  customerId: string;
  staff: StaffProfile;
  onError(message: string | null): void;
  /** The profile shown is this customer (renamed, or the survivor of a merge). */
  onCustomer(customer: CustomerProfile): void;
  /** Inside WeCom: scan a code with the camera (the coupon the patient shows). */
  scan?: (() => Promise<string>) | null;
}) {
  // Follows the chat's contact, and moves to the survivor after a merge.
  const [shownId, setShownId] = useState(customerId);
  useEffect(() => setShownId(customerId), [customerId]);
  const { state, reload, patch } = useProfile(shownId);
  // The customer whose base data is being edited: the form closes when the contact changes.
  const [editingId, setEditingId] = useState<string | null>(null);
  // Bumped after a change that adds events, so the timeline's first page is loaded again.
  const [timelineVersion, setTimelineVersion] = useState(0);
  const refreshTimeline = useCallback(() => setTimelineVersion((value) => value + 1), []);
  // The customer's appointments, for the timeline's appointment events (which carry only the appointment's id).
  const [appointments, setAppointments] = useState<readonly Appointment[]>([]);
  const appointmentOf = useMemo(() => {
    const byId = new Map(appointments.map((appointment) => [appointment.id, appointmentSummary(appointment)]));
    return (appointmentId: string) => byId.get(appointmentId) ?? null;
  }, [appointments]);

  const profile = state.status === 'ready' ? state.profile : null;
  // Every change goes to the profile the server answered with (a stale id resolves to the survivor anyway).
  const id = profile?.customer.id ?? shownId;
  const attribution = useAttribution(profile?.customer.id ?? null);

  useEffect(() => {
    if (profile) onCustomer(profile.customer);
  }, [profile, onCustomer]);

  /** Runs a change; on failure says what failed in the page's error banner and resolves to `fallback`. */
  const attempt = useCallback(
    <T, F>(what: string, run: () => Promise<T>, fallback: F): Promise<T | F> => {
      onError(null);
      return run().catch((reason: unknown) => {
        onError(`${what}：${describeError(reason)}`);
        return fallback;
      });
    },
    [onError],
  );

  const actions: HeaderActions = useMemo(
    () => ({
      revealPhone: () => attempt('无法显示手机号 (Reveal failed)', () => api.revealPhone(id), null),
      assignToMe: () =>
        attempt(
          '无法设为我的客户 (Assign failed)',
          async () => {
            await api.updateCustomer(id, { ownerStaffId: staff.id });
            reload();
          },
          undefined,
        ),
      verifyHcp: (decision, evidence) =>
        attempt(
          '无法保存认证结果 (HCP verification failed)',
          async () => {
            await api.verifyHcp(id, decision, evidence);
            reload();
            return true;
          },
          false,
        ),
      openEdit: () => setEditingId(id),
    }),
    [attempt, id, staff.id, reload],
  );

  const addTag = (name: string) =>
    attempt(
      `无法添加标签「${name}」 (Add tag failed)`,
      async () => {
        await api.addTag(id, name);
        patch((current) => withTagAdded(current, name, staff));
        refreshTimeline();
        return true;
      },
      false,
    );

  const removeTag = (name: string) =>
    attempt(
      `无法移除标签「${name}」 (Remove tag failed)`,
      async () => {
        await api.removeTag(id, name);
        patch((current) => withTagRemoved(current, name));
        refreshTimeline();
        return true;
      },
      false,
    );

  const withdrawMarketing = () =>
    attempt(
      '无法记录停止营销 (Withdraw failed)',
      async () => {
        const consent = await api.withdrawMarketing(id);
        patch((current) => withConsent(current, consent));
        refreshTimeline();
        return true;
      },
      false,
    );

  const decideDuplicate = async (suggestionId: string, decision: 'confirm' | 'dismiss') => {
    const what = decision === 'confirm' ? '无法合并 (Merge failed)' : '无法忽略 (Dismiss failed)';
    const result = await attempt(what, () => api.decideDuplicate(suggestionId, decision), null);
    if (!result) {
      reload(); // someone else may have decided it meanwhile
    } else if (decision === 'dismiss' || !result.survivorId) {
      patch((current) => withoutDuplicate(current, suggestionId));
    } else {
      // Show the survivor: it holds both histories now.
      if (result.survivorId === shownId) reload();
      else setShownId(result.survivorId);
      refreshTimeline();
    }
  };

  const save = (changes: UpdateCustomerRequest) =>
    attempt(
      '无法保存资料 (Save failed)',
      async () => {
        await api.updateCustomer(id, changes);
        reload();
        return true;
      },
      false,
    );

  if (state.status === 'loading') return <Notice title="正在加载客户档案… Loading profile" />;
  if (state.status === 'failed') {
    return (
      <Notice title="无法加载客户档案 Could not load the profile">
        <p className="small">{state.message}</p>
        <button type="button" className="button" onClick={reload}>
          重试 Retry
        </button>
      </Notice>
    );
  }
  const current = state.profile;
  const nameOf = staffNameLookup(current, staff);

  return (
    <div className="profile360">
      {current.duplicates.map((duplicate) => (
        <DuplicateBanner
          key={duplicate.id}
          duplicate={duplicate}
          onDecide={(decision) => decideDuplicate(duplicate.id, decision)}
        />
      ))}
      <ProfileHeader
        profile={current}
        staff={staff}
        actions={actions}
        refreshing={state.refreshing}
        attribution={attribution}
      />
      {editingId === current.customer.id ? (
        <EditForm
          key={current.customer.id}
          customer={current.customer}
          onSave={save}
          onClose={() => setEditingId(null)}
        />
      ) : null}
      <Tasks
        key={`tasks:${current.customer.id}`}
        customerId={current.customer.id}
        staff={staff}
        onChanged={refreshTimeline}
      />
      <CustomerJourneys key={`journeys:${current.customer.id}`} customerId={current.customer.id} />
      <Appointments
        // Its own key (the edit form's is the bare id): a new customer starts a new list.
        key={`appointments:${current.customer.id}`}
        customerId={current.customer.id}
        onChanged={refreshTimeline}
        onLoaded={setAppointments}
      />
      <Coupons
        key={`coupons:${current.customer.id}`}
        customerId={current.customer.id}
        staff={staff}
        scan={scan}
        onChanged={refreshTimeline}
      />
      <ContentPicker
        key={`content:${current.customer.id}`}
        customerId={current.customer.id}
        customer={current.customer}
        onSent={refreshTimeline}
      />
      <TagList
        key={`tags:${current.customer.id}`}
        tags={current.tags}
        onAdd={addTag}
        onRemove={removeTag}
        customerId={current.customer.id}
        staff={staff}
        attribution={attribution}
        onTagsChanged={() => {
          reload();
          refreshTimeline();
        }}
      />
      <ConsentCard consent={current.consent} onWithdraw={withdrawMarketing} />
      <Timeline
        customerId={current.customer.id}
        version={timelineVersion}
        nameOf={nameOf}
        appointmentOf={appointmentOf}
      />
    </div>
  );
}
