/**
 * The builder's side panel for one step: its form by type (wait, branch, the messages, coupon, tags, task,
 * notification, exit), where it leads next (a branch: yes and no), adding a step after it and removing it. Every
 * change that makes a whole step goes into the graph at once; the form's own problems and the server's issues for
 * this step show under their fields. Read-only for staff who may not edit journeys.
 */
import { useState } from 'react';
import type { EdgeKind } from '../journeys/graph';
import { fieldIssue, otherIssues, type PlacedIssue } from '../journeys/issues';
import { STEP_TYPE_HINTS, STEP_TYPE_LABELS, STEP_TYPES, WEEKDAY_LABELS } from '../journeys/labels';
import {
  buildStep,
  draftFromStep,
  MARKETING_STEPS,
  STEP_FIELD_PATHS,
  type StepDraft,
  type StepErrors,
  type StepField,
} from '../journeys/stepForm';
import { SUBSCRIBE_TEMPLATE_KEYS, SUBSCRIBE_TEMPLATES } from '@careloop/shared/subscribe-templates';
import type { JourneyPickers } from '../journeys/usePickers';
import type { JourneyStep, JourneyStepType } from '../journeys/types';
import { Field, FieldError, NumberField, NumberInput, SelectField, SelectInput, TextField } from '../shell/Field';
import { PRIORITY_LABELS, TASK_PRIORITIES, TASK_TYPE_LABELS, TASK_TYPES } from '../tasks/labels';
import { EventSelect, FilterRows } from './JourneyFilterRows';

const WAIT_UNITS = { days: '天', hours: '小时', minutes: '分钟' } as const;

export interface StepOption {
  id: string;
  label: string;
}

/**
 * The "add a step" row of a panel: the new step's type (a wait, by default) and the button adding it; `children`
 * stand between the two (the step panel's choice of a branch's outlet).
 */
export function StepInsertRow({
  label,
  buttonLabel,
  disabled,
  onInsert,
  children,
}: {
  /** The group's accessible name. */
  label: string;
  buttonLabel: string;
  disabled?: boolean;
  onInsert(type: JourneyStepType): void;
  children?: React.ReactNode;
}) {
  const [insertType, setInsertType] = useState<JourneyStepType>('wait');
  return (
    <div className="row" role="group" aria-label={label}>
      <SelectInput
        inline
        ariaLabel="步骤类型 Step type"
        testId="step-insert-type"
        options={STEP_TYPES}
        labels={STEP_TYPE_LABELS}
        value={insertType}
        onChange={(type) => setInsertType(type)}
      />
      {children}
      <button
        type="button"
        className="button button--small"
        data-testid="step-insert"
        disabled={disabled}
        onClick={() => onInsert(insertType)}
      >
        {buttonLabel}
      </button>
    </div>
  );
}

/** A panel's problems that belong to none of its fields (or to fields it does not show), above its form. */
export function PanelIssues({ issues }: { issues: readonly PlacedIssue[] }) {
  return issues.length ? (
    <ul className="jpanel__issues" role="alert" data-testid="journey-panel-issues">
      {issues.map((issue, index) => (
        <li key={index} title={issue.original}>
          {issue.message}
        </li>
      ))}
    </ul>
  ) : null;
}

export function JourneyStepPanel({
  step,
  steps,
  issues,
  readOnly,
  pickers,
  canRemove,
  onChange,
  onInsert,
  onRemove,
}: {
  step: JourneyStep;
  /** The steps an outlet may lead to. */
  steps: readonly StepOption[];
  issues: readonly PlacedIssue[];
  readOnly: boolean;
  pickers: JourneyPickers;
  canRemove: boolean;
  /** The step as now edited; null while the form has a problem (`pending`). */
  onChange(step: JourneyStep | null, pending: boolean): void;
  onInsert(kind: EdgeKind, type: JourneyStepType): void;
  onRemove(): void;
}) {
  const [draft, setDraft] = useState<StepDraft>(() => draftFromStep(step));
  const [errors, setErrors] = useState<StepErrors>({});
  /** Where a step added after a branch goes; any other step's is added at its `next`. */
  const [insertKind, setInsertKind] = useState<'yes' | 'no'>('yes');

  const set = <K extends StepField>(field: K, value: StepDraft[K]) => {
    const next = { ...draft, [field]: value };
    setDraft(next);
    const built = buildStep(next, step.id);
    if (built.ok) {
      setErrors({});
      onChange(built.step, false);
    } else {
      setErrors(built.errors);
      onChange(null, true);
    }
  };
  const error = (field: StepField) => errors[field] ?? fieldIssue(issues, ...(STEP_FIELD_PATHS[field] ?? [field]));
  const shownPaths = Object.values(STEP_FIELD_PATHS).flat();
  const unplaced = otherIssues(issues, shownPaths);

  const text = (field: StepField, label: string, options: { hint?: string; wide?: boolean; max?: number } = {}) => (
    <TextField
      label={label}
      hint={options.hint}
      error={error(field)}
      wide={options.wide}
      testId={`step-${field}`}
      maxLength={options.max}
      disabled={readOnly}
      value={draft[field] as string}
      onChange={(value) => set(field, value as StepDraft[typeof field])}
    />
  );
  const dueHours = (label: string) => (
    <NumberField
      label={label}
      error={error('dueInHours')}
      testId="step-dueInHours"
      suffix="小时"
      value={draft.dueInHours}
      disabled={readOnly}
      onChange={(value) => set('dueInHours', value)}
    />
  );
  const area = (field: StepField, label: string, hint?: string, rows = 3) => (
    <Field label={label} hint={hint} error={error(field)} wide>
      <textarea
        className="input textarea"
        data-testid={`step-${field}`}
        rows={rows}
        value={draft[field] as string}
        disabled={readOnly}
        onChange={(event) => set(field, event.target.value as StepDraft[typeof field])}
      />
    </Field>
  );
  const staffSelect = (field: 'assigneeStaffId' | 'staffId', label: string) => (
    <SelectField
      label={label}
      error={error(field)}
      wide
      testId={`step-${field}`}
      empty="客户的负责人 The owner"
      missing={(id) => id}
      options={pickers.staff ?? []}
      value={draft[field]}
      disabled={readOnly}
      onChange={(id) => set(field, id)}
    />
  );
  const outlet = (field: 'next' | 'yes' | 'no', label: string) => (
    <SelectField
      label={label}
      error={error(field)}
      wide
      testId={`step-${field}`}
      empty="结束旅程 End"
      missing={(id) => `${id}（不存在）`}
      options={steps}
      value={draft[field]}
      disabled={readOnly}
      onChange={(id) => set(field, id)}
    />
  );

  let body: React.ReactNode = null;
  switch (draft.type) {
    case 'wait':
      body = (
        <>
          <Field
            label="等待时长"
            hint="天 / 小时 / 分钟"
            error={error('days') ?? error('hours') ?? error('minutes')}
            wide
            group
          >
            <div className="field-row">
              {(['days', 'hours', 'minutes'] as const).map((field) => (
                <NumberInput
                  key={field}
                  ariaLabel={WAIT_UNITS[field]}
                  suffix={WAIT_UNITS[field]}
                  testId={`step-${field}`}
                  value={draft[field]}
                  disabled={readOnly}
                  onChange={(value) => set(field, value)}
                />
              ))}
            </div>
          </Field>
          <TextField
            label="再等到"
            hint="（可选）当地时间 HH:mm"
            error={error('untilTime')}
            testId="step-untilTime"
            placeholder="10:00"
            disabled={readOnly}
            value={draft.untilTime}
            onChange={(value) => set('untilTime', value)}
          />
          <Field label="限星期几" hint="（可选）" error={error('untilWeekdays')} group>
            <div className="checks">
              {WEEKDAY_LABELS.map((label, index) => (
                <label key={label} className="check">
                  <input
                    type="checkbox"
                    checked={draft.untilWeekdays.includes(index + 1)}
                    disabled={readOnly}
                    onChange={(event) =>
                      set(
                        'untilWeekdays',
                        event.target.checked
                          ? [...draft.untilWeekdays, index + 1]
                          : draft.untilWeekdays.filter((day) => day !== index + 1),
                      )
                    }
                  />
                  {label}
                </label>
              ))}
            </div>
          </Field>
        </>
      );
      break;
    case 'branch':
      body = (
        <>
          <Field label="条件" error={undefined} wide group>
            <div className="checks">
              {(['event', 'rule'] as const).map((kind) => (
                <label key={kind} className="check">
                  <input
                    type="radio"
                    name={`condition-${step.id}`}
                    value={kind}
                    data-testid="step-conditionKind"
                    checked={draft.conditionKind === kind}
                    disabled={readOnly}
                    onChange={() => set('conditionKind', kind)}
                  />
                  {kind === 'event' ? '进入后是否发生某事件' : '是否符合标签规则'}
                </label>
              ))}
            </div>
          </Field>
          {draft.conditionKind === 'event' ? (
            <>
              <Field label="事件" error={error('conditionEvent')} wide>
                <EventSelect
                  value={draft.conditionEvent}
                  disabled={readOnly}
                  testId="step-conditionEvent"
                  onChange={(value) => set('conditionEvent', value)}
                />
              </Field>
              <Field label="事件属性条件" hint="（可选）" error={error('conditionWhere')} wide group>
                <FilterRows
                  rows={draft.conditionWhere}
                  disabled={readOnly}
                  testId="step-conditionWhere"
                  onChange={(rows) => set('conditionWhere', rows)}
                />
              </Field>
            </>
          ) : (
            area(
              'conditionRule',
              '规则 JSON',
              '标签规则语言，如 {"type":"last","events":{"types":["appointment.arrived"]},"op":"olderThan","days":365}',
              6,
            )
          )}
          {outlet('yes', '是 → 下一步')}
          {outlet('no', '否 → 下一步')}
        </>
      );
      break;
    case 'send_subscribe_message':
      body = (
        <>
          <SelectField
            label="订阅消息模板"
            error={error('template')}
            wide
            testId="step-template"
            options={SUBSCRIBE_TEMPLATE_KEYS}
            labels={(key) => SUBSCRIBE_TEMPLATES[key].title}
            value={draft.template}
            disabled={readOnly}
            onChange={(template) => set('template', template)}
          />
          {text('page', '打开的小程序页面', { wide: true })}
          <Field label="模板字段" hint="可用 {{name}}（客户称呼）、{{journey}}" error={error('data')} wide group>
            {SUBSCRIBE_TEMPLATES[draft.template].fields.map((field) => (
              <label key={field.name} className="field-row">
                <span className="muted">
                  {field.label}（{field.name}）
                </span>
                <input
                  className="input"
                  data-testid={`step-data-${field.name}`}
                  value={draft.data[field.name] ?? ''}
                  maxLength={200}
                  disabled={readOnly}
                  onChange={(event) => set('data', { ...draft.data, [field.name]: event.target.value })}
                />
              </label>
            ))}
          </Field>
        </>
      );
      break;
    case 'send_wecom_message':
      body = (
        <>
          {text('title', '任务标题', { max: 60 })}
          {dueHours('几小时内转发')}
          {area('text', '消息内容', '可写 {{name}}（客户称呼）和 {{journey}}（旅程名）', 4)}
        </>
      );
      break;
    case 'send_sms':
      body = (
        <>
          {text('templateCode', '短信模板编号')}
          {text('signName', '短信签名', { hint: '（可选）' })}
          {area('params', '模板参数', '每行一个：name={{name}}')}
        </>
      );
      break;
    case 'issue_coupon':
      body = (
        <SelectField
          label="优惠券模板"
          error={error('couponTemplateId')}
          wide
          testId="step-couponTemplateId"
          empty="请选择"
          missing={(id) => id}
          options={pickers.coupons ?? []}
          value={draft.couponTemplateId}
          disabled={readOnly}
          onChange={(couponTemplateId) => set('couponTemplateId', couponTemplateId)}
        />
      );
      break;
    case 'add_tag':
    case 'remove_tag':
      body = (
        <Field label="标签" error={error('tag')} wide>
          <input
            className="input"
            list={`journey-tags-${step.id}`}
            maxLength={20}
            data-testid="step-tag"
            value={draft.tag}
            disabled={readOnly}
            onChange={(event) => set('tag', event.target.value)}
          />
          <datalist id={`journey-tags-${step.id}`}>
            {(pickers.tags ?? []).map((name) => (
              <option key={name} value={name} />
            ))}
          </datalist>
        </Field>
      );
      break;
    case 'create_task':
      body = (
        <>
          <SelectField
            label="任务类型"
            error={error('taskType')}
            testId="step-taskType"
            options={TASK_TYPES}
            labels={TASK_TYPE_LABELS}
            value={draft.taskType}
            disabled={readOnly}
            onChange={(taskType) => set('taskType', taskType)}
          />
          <SelectField
            label="优先级"
            error={error('priority')}
            testId="step-priority"
            options={TASK_PRIORITIES}
            labels={PRIORITY_LABELS}
            value={draft.priority}
            disabled={readOnly}
            onChange={(priority) => set('priority', priority)}
          />
          {text('title', '任务标题', { max: 60 })}
          {dueHours('几小时内完成')}
          {staffSelect('assigneeStaffId', '负责人')}
          {area('script', '话术', '可写 {{name}}', 3)}
        </>
      );
      break;
    case 'notify_staff':
      body = (
        <>
          {staffSelect('staffId', '通知谁')}
          {text('title', '标题', { max: 60 })}
          {area('text', '内容', undefined, 3)}
        </>
      );
      break;
    case 'exit':
      body = (
        <p className="muted small form-grid__wide">客户到这一步即离开旅程。 The customer leaves the journey here.</p>
      );
      break;
  }

  return (
    <section
      className="card jpanel"
      aria-label="步骤设置 Step"
      data-testid="journey-step-panel"
      data-step-id={step.id}
      data-step-type={step.type}
    >
      <h3 className="jpanel__title">
        {STEP_TYPE_LABELS[step.type]} <span className="mono muted small">{step.id}</span>
        <span className="muted small"> {STEP_TYPE_HINTS[step.type]}</span>
      </h3>
      <PanelIssues issues={unplaced} />
      <div className="form-grid">
        {text('name', '步骤名称', { hint: '（可选，显示在流程图上）', wide: true, max: 40 })}
        {body}
        {MARKETING_STEPS.includes(draft.type) ? (
          <Field label="营销授权" error={error('marketing')} wide group>
            <label className="check">
              <input
                type="checkbox"
                data-testid="step-marketing"
                checked={draft.marketing}
                disabled={readOnly}
                onChange={(event) => set('marketing', event.target.checked)}
              />
              营销内容：需要客户的营销授权，计入频次上限（撤回授权即停止）
            </label>
          </Field>
        ) : null}
        {draft.type !== 'branch' && draft.type !== 'exit' ? outlet('next', '下一步') : null}
      </div>
      {readOnly ? null : (
        <div className="jpanel__actions">
          <StepInsertRow
            label="在后面添加步骤 Add a step after"
            buttonLabel="+ 在后面添加"
            disabled={step.type === 'exit'}
            onInsert={(type) => onInsert(step.type === 'branch' ? insertKind : 'next', type)}
          >
            {step.type === 'branch' ? (
              <SelectInput
                inline
                ariaLabel="加在哪条分支 Outlet"
                testId="step-insert-outlet"
                options={['yes', 'no']}
                labels={{ yes: '“是”之后', no: '“否”之后' }}
                value={insertKind}
                onChange={(kind) => setInsertKind(kind)}
              />
            ) : null}
          </StepInsertRow>
          <button
            type="button"
            className="button button--small button--danger"
            data-testid="step-remove"
            disabled={!canRemove}
            title={canRemove ? undefined : '旅程至少要有一个步骤'}
            onClick={onRemove}
          >
            删除步骤
          </button>
        </div>
      )}
      <FieldError message={Object.keys(errors).length ? '请先修正上面标红的内容，修改才会进入流程图。' : undefined} />
    </section>
  );
}
