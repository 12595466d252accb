/**
 * 排班模板: a clinic's weekly openings (weekday, hours, slot length, capacity, services, doctor), a form to add one, and
 * a form to close the clinic or a doctor on a date (leave, a holiday). Everyone sees the openings; only managers and
 * admins change them (the BFF answers FORBIDDEN to anyone else, and the page says so).
 */
import type { StaffProfile } from '@careloop/shared';
import { useCallback, useEffect, useMemo, useState } from 'react';
import { explainAppointmentError } from '../appointments/errors';
import { doctorLabel, formatLocalDay, todayIn, WEEKDAY_LABELS } from '../appointments/schedule';
import {
  buildExceptionRequest,
  buildTemplateRequest,
  emptyTemplateDraft,
  EXCEPTION_REASON_MAX,
  slotCount,
  TEMPLATE_LIMITS,
  type ExceptionDraft,
  type TemplateDraft,
} from '../appointments/templateForm';
import type { BookableService, ScheduleException, ScheduleTemplate } from '../appointments/types';
import { canManageSchedules } from '../profile/roles';
import { CheckList, Field, NumberField, OutcomeLine, SelectField, TextField, type Outcome } from '../shell/Field';
import { useDraft } from '../shell/useDraft';
import { api } from '../shell/runtime';
import { useServices } from '../shell/useServices';
import { ClinicPicker } from './ClinicPicker';
import type { ClinicsController } from './useClinics';

/** ISO weekdays as the draft holds them (1 Monday … 7 Sunday). */
const WEEKDAYS = ['1', '2', '3', '4', '5', '6', '7'] as const;

type ListState =
  | { status: 'loading'; clinicId: string }
  | { status: 'ready'; clinicId: string; items: ScheduleTemplate[] }
  | { status: 'failed'; clinicId: string; message: string };

/** The doctors a manager can pick: those with openings at the clinic, and the signed-in user. */
function doctorOptions(
  templates: readonly ScheduleTemplate[],
  staff: StaffProfile,
  names: ReadonlyMap<string, string>,
) {
  const ids = [...new Set(templates.map((template) => template.doctorStaffId))];
  if (!ids.includes(staff.id)) ids.push(staff.id);
  return ids.map((id) => ({ id, label: `${doctorLabel(id, names)}${id === staff.id ? '（我）' : ''}` }));
}

function TemplateForm({
  clinicId,
  templates,
  services,
  doctors,
  names,
  editable,
  onCreated,
}: {
  clinicId: string;
  templates: readonly ScheduleTemplate[];
  services: readonly BookableService[] | null;
  doctors: { id: string; label: string }[];
  names: ReadonlyMap<string, string>;
  editable: boolean;
  onCreated(): void;
}) {
  const { draft, errors, set, bind, setErrors, reset } = useDraft<TemplateDraft>(() =>
    emptyTemplateDraft(doctors[0]?.id ?? ''),
  );
  const [saving, setSaving] = useState(false);
  const [outcome, setOutcome] = useState<Outcome>(null);
  // A doctor picked before the list changed stays; an empty choice takes the first one.
  useEffect(() => {
    if (!draft.doctorStaffId && doctors[0]) set('doctorStaffId', doctors[0].id);
  }, [doctors, draft.doctorStaffId, set]);

  const slotMinutes = Number(draft.slotMinutes);
  const slots = slotCount(draft.startTime, draft.endTime, slotMinutes);

  const submit = async (event: React.FormEvent) => {
    event.preventDefault();
    setOutcome(null);
    const result = buildTemplateRequest(clinicId, draft, templates);
    if (!result.ok) {
      setErrors(result.errors);
      return;
    }
    setSaving(true);
    try {
      const created = await api.createScheduleTemplate(result.request);
      const count = slotCount(created.startTime, created.endTime, created.slotMinutes);
      setOutcome({
        kind: 'ok',
        text: `已添加：${WEEKDAY_LABELS[created.weekday] ?? ''} ${created.startTime}–${created.endTime} · ${doctorLabel(created.doctorStaffId, names)} · 每周 ${count} 个号`,
      });
      reset({ ...emptyTemplateDraft(draft.doctorStaffId), serviceIds: draft.serviceIds });
      onCreated();
    } catch (reason) {
      setOutcome({ kind: 'error', text: explainAppointmentError(reason, 'manage') });
    } finally {
      setSaving(false);
    }
  };

  return (
    <form className="card sched-form" data-testid="template-form" onSubmit={(event) => void submit(event)} noValidate>
      <h2 className="card__title">
        添加排班 <span className="muted small">Add a weekly opening</span>
      </h2>
      <fieldset className="sched-form__fields" disabled={!editable || saving}>
        <div className="form-grid">
          <SelectField label="医生 Doctor" testId="template-doctor" options={doctors} {...bind('doctorStaffId')} />
          <SelectField
            label="星期 Weekday"
            testId="template-weekday"
            options={WEEKDAYS}
            labels={(day) => WEEKDAY_LABELS[Number(day)] ?? day}
            {...bind('weekday')}
          />
          <TextField label="开始 Start" testId="template-start" type="time" {...bind('startTime')} />
          <TextField label="结束 End" testId="template-end" type="time" {...bind('endTime')} />
          <NumberField
            label="每号时长 Slot length"
            testId="template-slot-minutes"
            min={TEMPLATE_LIMITS.slotMinutes.min}
            max={TEMPLATE_LIMITS.slotMinutes.max}
            step={5}
            suffix="分钟"
            {...bind('slotMinutes')}
          />
          <NumberField
            label="每号人数 Capacity"
            testId="template-capacity"
            min={TEMPLATE_LIMITS.capacity.min}
            max={TEMPLATE_LIMITS.capacity.max}
            suffix="人"
            {...bind('capacity')}
          />
          <TextField
            label="生效日期 Valid from"
            hint="（可选）"
            testId="template-valid-from"
            type="date"
            {...bind('validFrom')}
          />
          <TextField
            label="截止日期 Valid to"
            hint="（可选）"
            testId="template-valid-to"
            type="date"
            {...bind('validTo')}
          />
        </div>
        <Field label="服务 Services" group error={errors.serviceIds}>
          <CheckList
            options={services && services.map((service) => ({ id: service.id, label: service.name }))}
            value={draft.serviceIds}
            onChange={(next) => set('serviceIds', next)}
            testId="template-service"
            empty="没有可预约的服务 No services"
          />
        </Field>
      </fieldset>
      <div className="row sched-form__foot">
        <span className="muted small" data-testid="template-preview">
          {slots > 0 ? `每周生成 ${slots} 个号，每号 ${draft.capacity || '?'} 人` : ''}
        </span>
        <button
          type="submit"
          className="button button--primary"
          data-testid="template-submit"
          disabled={!editable || saving}
        >
          {saving ? '保存中…' : '添加排班 Add'}
        </button>
      </div>
      <OutcomeLine outcome={outcome} testId="template-result" />
    </form>
  );
}

function ExceptionForm({
  clinicId,
  today,
  doctors,
  names,
  editable,
  onCreated,
}: {
  clinicId: string;
  today: string;
  doctors: { id: string; label: string }[];
  names: ReadonlyMap<string, string>;
  editable: boolean;
  onCreated(exception: ScheduleException): void;
}) {
  const { draft, bind, setErrors, reset } = useDraft<ExceptionDraft>(() => ({
    date: '',
    doctorStaffId: '',
    reason: '',
  }));
  const [saving, setSaving] = useState(false);
  const [outcome, setOutcome] = useState<Outcome>(null);

  const submit = async (event: React.FormEvent) => {
    event.preventDefault();
    setOutcome(null);
    const result = buildExceptionRequest(clinicId, draft, today);
    if (!result.ok) {
      setErrors(result.errors);
      return;
    }
    setSaving(true);
    try {
      const created = await api.createScheduleException(result.request);
      const who = created.doctorStaffId ? doctorLabel(created.doctorStaffId, names) : '全院';
      setOutcome({
        kind: 'ok',
        text: `已停诊：${formatLocalDay(created.date, today)} · ${who}。已有的预约不会自动取消，请联系患者改约。`,
      });
      reset({ date: '', doctorStaffId: draft.doctorStaffId, reason: '' });
      onCreated(created);
    } catch (reason) {
      setOutcome({ kind: 'error', text: explainAppointmentError(reason, 'manage') });
    } finally {
      setSaving(false);
    }
  };

  return (
    <form className="card sched-form" data-testid="exception-form" onSubmit={(event) => void submit(event)} noValidate>
      <h2 className="card__title">
        停诊 / 休假 <span className="muted small">Close a date (leave, holiday)</span>
      </h2>
      <fieldset className="sched-form__fields" disabled={!editable || saving}>
        <div className="form-grid">
          <TextField label="日期 Date" testId="exception-date" type="date" min={today} {...bind('date')} />
          <SelectField
            label="范围 Who"
            testId="exception-doctor"
            empty="全院停诊 Whole clinic"
            options={doctors}
            {...bind('doctorStaffId')}
          />
          <TextField
            label="原因 Reason"
            hint="（可选）"
            wide
            testId="exception-reason"
            maxLength={EXCEPTION_REASON_MAX + 10}
            placeholder="如：国庆休息、医生请假"
            {...bind('reason')}
          />
        </div>
      </fieldset>
      <div className="row sched-form__foot">
        <span className="muted small">当天的号不再开放预约；已有预约保留。</span>
        <button
          type="submit"
          className="button button--primary"
          data-testid="exception-submit"
          disabled={!editable || saving}
        >
          {saving ? '保存中…' : '添加停诊 Add'}
        </button>
      </div>
      <OutcomeLine outcome={outcome} testId="exception-result" />
    </form>
  );
}

export function TemplatesPage({
  staff,
  clinics,
  names,
}: {
  staff: StaffProfile;
  clinics: ClinicsController;
  names: ReadonlyMap<string, string>;
}) {
  const { clinic } = clinics;
  const editable = canManageSchedules(staff);
  const { services, error: servicesError } = useServices();
  const [state, setState] = useState<ListState | null>(null);
  const [round, setRound] = useState(0);
  // There is no route that lists exceptions: the ones added on this page, this visit.
  const [exceptions, setExceptions] = useState<ScheduleException[]>([]);
  const reload = useCallback(() => setRound((value) => value + 1), []);

  useEffect(() => {
    if (!clinic) {
      setState(null);
      return;
    }
    let active = true;
    const clinicId = clinic.id;
    setState((current) =>
      current?.status === 'ready' && current.clinicId === clinicId ? current : { status: 'loading', clinicId },
    );
    api.scheduleTemplates(clinicId).then(
      (items) => {
        if (active) setState({ status: 'ready', clinicId, items });
      },
      (reason: unknown) => {
        if (active) setState({ status: 'failed', clinicId, message: explainAppointmentError(reason, 'manage') });
      },
    );
    return () => {
      active = false;
    };
  }, [clinic, round]);

  const templates = useMemo(() => (state?.status === 'ready' ? state.items : []), [state]);
  const serviceNames = useMemo(
    () => new Map((services ?? []).map((service) => [service.id, service.name])),
    [services],
  );
  const doctors = useMemo(() => doctorOptions(templates, staff, names), [templates, staff, names]);
  const today = clinic ? todayIn(clinic.timeZone) : '';
  const shownExceptions = exceptions.filter((exception) => exception.clinicId === clinic?.id);

  return (
    <div className="page templates-page">
      <section className="card toolbar" aria-label="选择门店 Clinic">
        <ClinicPicker controller={clinics} testId="templates-clinic" />
        {clinic ? <span className="muted small toolbar__note">时区 {clinic.timeZone}</span> : null}
      </section>
      {!editable ? (
        <p className="readonly-note" role="note" data-testid="templates-readonly">
          只有店长或管理员可以修改排班，你可以查看。 Only managers and admins can change schedules.
        </p>
      ) : null}
      {servicesError ? (
        <p className="field-error" role="alert">
          无法读取服务列表：{servicesError}
        </p>
      ) : null}

      <section className="card" aria-label="每周排班 Weekly openings">
        <div className="day__head">
          <h2 className="card__title">
            每周排班 <span className="muted small">Weekly openings</span>
          </h2>
          <button type="button" className="link-button" onClick={reload} disabled={!clinic}>
            刷新
          </button>
        </div>
        {state === null ? (
          <p className="muted">请选择门店 Choose a clinic</p>
        ) : state.status === 'loading' ? (
          <p className="muted">加载中… Loading</p>
        ) : state.status === 'failed' ? (
          <p className="field-error" role="alert">
            排班模板加载失败：{state.message}
          </p>
        ) : !state.items.length ? (
          <p className="muted" data-testid="templates-empty">
            这家门店还没有排班。 No openings yet.
          </p>
        ) : (
          <div className="table-wrap">
            <table className="table">
              <thead>
                <tr>
                  <th>星期</th>
                  <th>时间</th>
                  <th>每号</th>
                  <th>人数</th>
                  <th>服务</th>
                  <th>医生</th>
                  <th>有效期</th>
                </tr>
              </thead>
              <tbody>
                {state.items.map((template) => (
                  <tr
                    key={template.id}
                    data-testid="template-row"
                    data-template-id={template.id}
                    data-weekday={template.weekday}
                  >
                    <td>{WEEKDAY_LABELS[template.weekday] ?? template.weekday}</td>
                    <td className="nowrap">
                      {template.startTime}–{template.endTime}
                    </td>
                    <td className="nowrap">{template.slotMinutes} 分钟</td>
                    <td>{template.capacity}</td>
                    <td>
                      {template.serviceIds.map((id) => serviceNames.get(id) ?? `服务 …${id.slice(-6)}`).join('、')}
                    </td>
                    <td>{doctorLabel(template.doctorStaffId, names)}</td>
                    <td className="nowrap muted">
                      {template.validFrom || template.validTo
                        ? `${template.validFrom ?? '…'} 至 ${template.validTo ?? '…'}`
                        : '长期'}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </section>

      {clinic ? (
        <div className="forms">
          <TemplateForm
            key={`t-${clinic.id}`}
            clinicId={clinic.id}
            templates={templates}
            services={services}
            doctors={doctors}
            names={names}
            editable={editable}
            onCreated={reload}
          />
          <div className="forms__side">
            <ExceptionForm
              key={`e-${clinic.id}`}
              clinicId={clinic.id}
              today={today}
              doctors={doctors}
              names={names}
              editable={editable}
              onCreated={(exception) => setExceptions((current) => [exception, ...current])}
            />
            {shownExceptions.length ? (
              <section className="card" aria-label="本次添加的停诊 Closed dates added">
                <h2 className="card__title">
                  本次添加的停诊 <span className="muted small">Added just now</span>
                </h2>
                <ul className="plain-list">
                  {shownExceptions.map((exception) => (
                    <li key={exception.id} data-testid="exception-row" data-date={exception.date}>
                      {formatLocalDay(exception.date, today)} ·{' '}
                      {exception.doctorStaffId ? doctorLabel(exception.doctorStaffId, names) : '全院'}
                      {exception.reason ? <span className="muted"> · {exception.reason}</span> : null}
                    </li>
                  ))}
                </ul>
              </section>
            ) : null}
          </div>
        </div>
      ) : null}
    </div>
  );
}
