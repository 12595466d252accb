/**
 * The builder's side panel for the entry node: how customers get in (an event with filters; a segment once or on a
 * cron schedule; a key date with an offset and a send time), the first step, whether they may enter again, the
 * events that take them out, quiet hours and the frequency cap. Changes that make whole settings go into the
 * definition at once; problems (the form's and the server's) show under their fields.
 */
import { useState } from 'react';
import { fieldIssue, otherIssues, type PlacedIssue } from '../journeys/issues';
import {
  ENTRY_KIND_HINTS,
  ENTRY_KIND_LABELS,
  ENTRY_KINDS,
  KEY_DATE_KIND_LABELS,
  KEY_DATE_KINDS,
  REENTRY_LABELS,
  REENTRY_POLICIES,
} from '../journeys/labels';
import {
  buildSettings,
  draftFromSettings,
  type SettingsDraft,
  type SettingsErrors,
  type SettingsField,
} from '../journeys/settingsForm';
import type { JourneyPickers } from '../journeys/usePickers';
import type { JourneySettings, JourneyStepType } from '../journeys/types';
import { Field, NumberField, NumberInput, SelectField, SelectInput, TextField } from '../shell/Field';
import { EventSelect, FilterRows } from './JourneyFilterRows';
import { PanelIssues, StepInsertRow, type StepOption } from './JourneyStepPanel';

const SHOWN: SettingsField[] = [
  'entry.event',
  'entry.where',
  'entry.audience',
  'entry.at',
  'entry.cron',
  'entry.date',
  'entry.offsetDays',
  'reEntry',
  'exitOn',
  'quietHours',
  'frequencyCap',
];

/** A rule that is off or on (启用), with its inputs beside the checkbox while on. */
function Switched({
  label,
  hint,
  error,
  testId,
  on,
  readOnly,
  onToggle,
  children,
}: {
  label: string;
  hint: string;
  error: string | undefined;
  testId: string;
  on: boolean;
  readOnly: boolean;
  onToggle(on: boolean): void;
  children: React.ReactNode;
}) {
  return (
    <Field label={label} hint={hint} error={error} wide group>
      <div className="field-row">
        <label className="check">
          <input
            type="checkbox"
            data-testid={testId}
            checked={on}
            disabled={readOnly}
            onChange={(event) => onToggle(event.target.checked)}
          />
          启用
        </label>
        {on ? children : null}
      </div>
    </Field>
  );
}

export function JourneySettingsPanel({
  settings,
  start,
  steps,
  issues,
  readOnly,
  pickers,
  onChange,
  onStart,
  onInsert,
}: {
  settings: JourneySettings;
  start: string;
  steps: readonly StepOption[];
  issues: readonly PlacedIssue[];
  readOnly: boolean;
  pickers: JourneyPickers;
  onChange(settings: JourneySettings | null, pending: boolean): void;
  onStart(stepId: string): void;
  onInsert(type: JourneyStepType): void;
}) {
  const [draft, setDraft] = useState<SettingsDraft>(() => draftFromSettings(settings));
  const [errors, setErrors] = useState<SettingsErrors>({});

  const set = <K extends keyof SettingsDraft>(field: K, value: SettingsDraft[K]) => {
    const next = { ...draft, [field]: value };
    setDraft(next);
    const built = buildSettings(next);
    if (built.ok) {
      setErrors({});
      onChange(built.settings, false);
    } else {
      setErrors(built.errors);
      onChange(null, true);
    }
  };
  const error = (field: SettingsField, ...paths: string[]) => errors[field] ?? fieldIssue(issues, field, ...paths);
  const unplaced = otherIssues(issues, [...SHOWN, 'start']);

  const audience = (
    <>
      <Field label="人群来源" error={error('entry.audience')} wide group>
        <div className="checks">
          {(['segment', 'rule'] as const).map((kind) => (
            <label key={kind} className="check">
              <input
                type="radio"
                name="journey-audience"
                data-testid="settings-audienceKind"
                value={kind}
                checked={draft.audienceKind === kind}
                disabled={readOnly}
                onChange={() => set('audienceKind', kind)}
              />
              {kind === 'segment' ? '已保存的人群' : '标签规则（JSON）'}
            </label>
          ))}
        </div>
        {draft.audienceKind === 'segment' ? (
          <SelectInput
            testId="settings-segment"
            empty="请选择人群"
            missing={(id) => id}
            options={pickers.segments ?? []}
            value={draft.segmentId}
            disabled={readOnly}
            onChange={(segmentId) => set('segmentId', segmentId)}
          />
        ) : (
          <textarea
            className="input textarea"
            rows={5}
            data-testid="settings-audienceRule"
            value={draft.audienceRule}
            disabled={readOnly}
            onChange={(event) => set('audienceRule', event.target.value)}
          />
        )}
      </Field>
    </>
  );

  let entry: React.ReactNode = null;
  switch (draft.entryKind) {
    case 'triggered':
      entry = (
        <>
          <Field label="触发事件" error={error('entry.event')} wide>
            <EventSelect
              value={draft.event}
              disabled={readOnly}
              testId="settings-event"
              onChange={(value) => set('event', value)}
            />
          </Field>
          <Field
            label="事件属性条件"
            hint="（可选，如 tag.added 的 name 等于 种植意向）"
            error={error('entry.where')}
            wide
            group
          >
            <FilterRows
              rows={draft.where}
              disabled={readOnly}
              testId="settings-where"
              onChange={(rows) => set('where', rows)}
            />
          </Field>
        </>
      );
      break;
    case 'one_off':
      entry = (
        <>
          {audience}
          <TextField
            label="进入时间"
            hint="（留空：启用时）"
            error={error('entry.at')}
            wide
            testId="settings-at"
            type="datetime-local"
            disabled={readOnly}
            value={draft.at}
            onChange={(value) => set('at', value)}
          />
        </>
      );
      break;
    case 'periodic':
      entry = (
        <>
          {audience}
          <Field
            label="定时规则 cron"
            hint="分 时 日 月 周，机构时区；如每 6 个月 0 10 1 */6 *"
            error={error('entry.cron')}
            wide
          >
            <input
              className="input mono"
              data-testid="settings-cron"
              value={draft.cron}
              disabled={readOnly}
              onChange={(event) => set('cron', event.target.value)}
            />
          </Field>
        </>
      );
      break;
    case 'key_date':
      entry = (
        <>
          <SelectField
            label="日期来源"
            error={error('entry.date')}
            wide
            testId="settings-dateKind"
            options={KEY_DATE_KINDS}
            labels={KEY_DATE_KIND_LABELS}
            value={draft.dateKind}
            disabled={readOnly}
            onChange={(dateKind) => set('dateKind', dateKind)}
          />
          {draft.dateKind === 'event' ? (
            <>
              <Field label="事件" wide>
                <EventSelect
                  value={draft.dateEvent}
                  disabled={readOnly}
                  testId="settings-dateEvent"
                  onChange={(value) => set('dateEvent', value)}
                />
              </Field>
              <TextField
                label="日期属性"
                hint="（留空：事件发生的日期）"
                testId="settings-dateProperty"
                disabled={readOnly}
                value={draft.dateProperty}
                onChange={(value) => set('dateProperty', value)}
              />
              <Field label="每年重复" group>
                <label className="check">
                  <input
                    type="checkbox"
                    checked={draft.yearly}
                    disabled={readOnly}
                    onChange={(event) => set('yearly', event.target.checked)}
                  />
                  周年（每年这一天）
                </label>
              </Field>
              <Field label="事件属性条件" hint="（可选）" wide group>
                <FilterRows
                  rows={draft.dateWhere}
                  disabled={readOnly}
                  testId="settings-dateWhere"
                  onChange={(rows) => set('dateWhere', rows)}
                />
              </Field>
            </>
          ) : null}
          {draft.dateKind === 'coupon_expiry' ? (
            <SelectField
              label="优惠券模板"
              wide
              testId="settings-dateCoupon"
              empty="任意优惠券"
              options={pickers.coupons ?? []}
              value={draft.dateCouponTemplateId}
              disabled={readOnly}
              onChange={(couponTemplateId) => set('dateCouponTemplateId', couponTemplateId)}
            />
          ) : null}
          <NumberField
            label="相对日期的天数"
            hint="负数为之前"
            error={error('entry.offsetDays')}
            testId="settings-offsetDays"
            kind="signed"
            suffix="天"
            value={draft.offsetDays}
            disabled={readOnly}
            onChange={(value) => set('offsetDays', value)}
          />
          <TextField
            label="发送时间"
            hint="当地 HH:mm"
            error={errors['entry.sendAt'] ?? fieldIssue(issues, 'entry.at')}
            testId="settings-sendAt"
            disabled={readOnly}
            value={draft.sendAt}
            onChange={(value) => set('sendAt', value)}
          />
        </>
      );
      break;
  }

  return (
    <section className="card jpanel" aria-label="入口与规则 Entry and rules" data-testid="journey-settings-panel">
      <h3 className="jpanel__title">
        入口与规则 <span className="muted small">Entry and rules</span>
      </h3>
      <PanelIssues issues={unplaced} />
      <div className="form-grid">
        <SelectField
          label="进入方式"
          hint={ENTRY_KIND_HINTS[draft.entryKind]}
          wide
          testId="settings-entryKind"
          options={ENTRY_KINDS}
          labels={ENTRY_KIND_LABELS}
          value={draft.entryKind}
          disabled={readOnly}
          onChange={(entryKind) => set('entryKind', entryKind)}
        />
        {entry}
        <SelectField
          label="第一步"
          error={fieldIssue(issues, 'start')}
          wide
          testId="settings-start"
          missing={(id) => `${id}（不存在）`}
          options={steps}
          value={start}
          disabled={readOnly}
          onChange={onStart}
        />
        <Field label="再次进入" error={error('reEntry')} wide group>
          <div className="field-row">
            <SelectInput
              testId="settings-reEntry"
              options={REENTRY_POLICIES}
              labels={REENTRY_LABELS}
              value={draft.reEntry}
              disabled={readOnly}
              onChange={(reEntry) => set('reEntry', reEntry)}
            />
            {draft.reEntry === 'after_days' ? (
              <NumberInput
                short
                ariaLabel="间隔天数 Days"
                suffix="天"
                testId="settings-reEntryDays"
                value={draft.reEntryDays}
                disabled={readOnly}
                onChange={(value) => set('reEntryDays', value)}
              />
            ) : null}
          </div>
        </Field>
        <Field label="退出条件" hint="发生这些事件时客户立即离开旅程" error={error('exitOn')} wide group>
          <div className="jexits" data-testid="settings-exitOn">
            {draft.exitOn.map((row, index) => (
              <div key={index} className="jexits__row" data-testid="settings-exit-row">
                <div className="field-row">
                  <EventSelect
                    value={row.event}
                    disabled={readOnly}
                    testId="settings-exit-event"
                    onChange={(value) =>
                      set(
                        'exitOn',
                        draft.exitOn.map((item, at) => (at === index ? { ...item, event: value } : item)),
                      )
                    }
                  />
                  {readOnly ? null : (
                    <button
                      type="button"
                      className="link-button link-button--danger"
                      onClick={() =>
                        set(
                          'exitOn',
                          draft.exitOn.filter((_, at) => at !== index),
                        )
                      }
                    >
                      删除
                    </button>
                  )}
                </div>
                <FilterRows
                  rows={row.where}
                  disabled={readOnly}
                  testId="settings-exit-where"
                  onChange={(rows) =>
                    set(
                      'exitOn',
                      draft.exitOn.map((item, at) => (at === index ? { ...item, where: rows } : item)),
                    )
                  }
                />
              </div>
            ))}
            {readOnly ? null : (
              <button
                type="button"
                className="link-button"
                data-testid="settings-exit-add"
                onClick={() => set('exitOn', [...draft.exitOn, { event: 'appointment.booked', where: [] }])}
              >
                + 退出事件
              </button>
            )}
          </div>
        </Field>
        <Switched
          label="静默时段"
          hint="此时段内不发消息，顺延到结束时"
          error={error('quietHours')}
          testId="settings-quiet"
          on={draft.quiet}
          readOnly={readOnly}
          onToggle={(on) => set('quiet', on)}
        >
          <input
            className="input jpanel__days"
            aria-label="开始 Start"
            data-testid="settings-quietStart"
            value={draft.quietStart}
            disabled={readOnly}
            onChange={(event) => set('quietStart', event.target.value)}
          />
          <span className="muted">至</span>
          <input
            className="input jpanel__days"
            aria-label="结束 End"
            data-testid="settings-quietEnd"
            value={draft.quietEnd}
            disabled={readOnly}
            onChange={(event) => set('quietEnd', event.target.value)}
          />
        </Switched>
        <Switched
          label="频次上限"
          hint="每位客户在所有旅程中收到的营销消息"
          error={error('frequencyCap')}
          testId="settings-cap"
          on={draft.cap}
          readOnly={readOnly}
          onToggle={(on) => set('cap', on)}
        >
          <NumberInput
            short
            ariaLabel="天数 Days"
            testId="settings-capDays"
            value={draft.capDays}
            disabled={readOnly}
            onChange={(value) => set('capDays', value)}
          />
          <span className="muted nowrap">天内最多</span>
          <NumberInput
            short
            ariaLabel="条数 Messages"
            suffix="条"
            testId="settings-capMax"
            value={draft.capMax}
            disabled={readOnly}
            onChange={(value) => set('capMax', value)}
          />
        </Switched>
      </div>
      {readOnly ? null : (
        <div className="jpanel__actions">
          <StepInsertRow label="在入口后添加步骤 Add a first step" buttonLabel="+ 在入口后添加" onInsert={onInsert} />
        </div>
      )}
    </section>
  );
}
