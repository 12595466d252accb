/**
 * 标签规则: a tag of the library on its own page (`#tags/new`, `#tags/<id>`). A dynamic tag's rule is edited as a form
 * over the rule language (attribute, age, has/lacks tag, event counts in a window, the latest event, absence of a
 * follow-up; all / any / not groups; event selectors with property filters), can start from a shipped example, and
 * shows a live preview (count and first customers) as it changes. Saving a new rule starts a full recompute in the
 * background, whose progress the page follows. Static tags get their name, colour and chat keywords here.
 * Managers and admins edit; everyone else reads.
 *
 * `RuleForm`, `RulePreview` and `useRuleNames` are shared with the segment builder.
 */
import type { StaffProfile } from '@careloop/shared';
import { useCallback, useEffect, useMemo, useState } from 'react';
import { canManageCampaigns } from '../profile/roles';
import {
  Field,
  FieldError,
  NumberInput,
  OutcomeLine,
  SelectField,
  SelectInput,
  TextField,
  type NumberInputProps,
  type Outcome,
} from '../shell/Field';
import { api } from '../shell/runtime';
import { useDraft, type DraftController } from '../shell/useDraft';
import { useResource } from '../shell/useResource';
import { ruleText, type RuleNames } from '../tags/describe';
import { explainTagError } from '../tags/errors';
import {
  ATTRIBUTE_FIELD_IDS,
  ATTRIBUTE_FIELDS,
  COUNT_OP_LABELS,
  COUNT_OPS,
  EVENT_TYPE_OPTIONS,
  FILTER_OP_LABELS,
  FILTER_OPS,
  TAG_APPLY_BY_LABELS,
  TAG_APPLY_BY_OPTIONS,
  TAG_KIND_LABELS,
} from '../tags/labels';
import { tagHref } from '../tags/nav';
import { isRecomputeActive, pollDelay, recomputeView } from '../tags/recompute';
import {
  addCondition,
  buildRule,
  draftFromRule,
  emptyRuleDraft,
  errorOf,
  isGroup,
  newCondition,
  newFilter,
  patchNode,
  removeNode,
  splitValues,
  toggleNot,
  updateSelector,
  type ConditionType,
  type DraftNode,
  type FilterDraft,
  type GroupDraft,
  type LeafDraft,
  type RuleErrors,
  type SelectorDraft,
} from '../tags/ruleDraft';
import { tagsApi } from '../tags/runtime';
import {
  buildCreateTag,
  buildUpdateTag,
  emptyTagDraft,
  TAG_LIMITS,
  tagDraftOf,
  type TagDraft,
  type TagField,
} from '../tags/tagForm';
import type { ExampleRule, RuleCondition, TagDefinition, TagLibrary, TagRecompute } from '../tags/types';
import { useRulePreview } from '../tags/usePreview';
import { formatDateTime } from '../profile/format';
import { TagColourField } from './TagColourField';

// ---------------------------------------------------------------------------------------------------------------
// Names the rule form offers and shows: tags, clinics, staff

export interface RuleOptions {
  tags: { id: string; name: string }[];
  clinics: { id: string; name: string }[];
  staff: { id: string; name: string }[];
}

/** The library's tags, the clinics and the staff, for the rule form's pickers and the rule's words. */
export function useRuleOptions(library: TagLibrary | null, excludeTagId: string | null = null) {
  const clinics = useResource('rule-clinics', api.clinics);
  const staff = useResource('rule-staff', api.staffMembers);
  return useMemo(() => {
    const options: RuleOptions = {
      tags: (library?.tags ?? []).filter((tag) => tag.id !== excludeTagId).map(({ id, name }) => ({ id, name })),
      clinics: (clinics.data ?? []).map(({ id, name }) => ({ id, name })),
      staff: (staff.data ?? []).map(({ id, name }) => ({ id, name })),
    };
    const lookup = (list: { id: string; name: string }[]) => (id: string) =>
      list.find((item) => item.id === id)?.name ?? null;
    const names: RuleNames = {
      tag: lookup((library?.tags ?? []).map(({ id, name }) => ({ id, name }))),
      clinic: lookup(options.clinics),
      staff: lookup(options.staff),
    };
    return { options, names };
  }, [library, excludeTagId, clinics.data, staff.data]);
}

// ---------------------------------------------------------------------------------------------------------------
// The rule form

const CONDITION_LABELS: Record<ConditionType, string> = {
  count: '事件次数（N 天内）',
  last: '最近一次事件（N 天内 / 以前）',
  absence: '之后没有跟进（缺失事件）',
  attribute: '客户属性',
  age: '年龄',
  tag: '有 / 没有标签',
  all: '条件组：满足全部',
  any: '条件组：满足任一',
};
const CONDITION_TYPES = Object.keys(CONDITION_LABELS) as ConditionType[];

const LEAF_TITLES: Record<LeafDraft['type'], string> = {
  count: '事件次数',
  last: '最近一次事件',
  absence: '之后没有跟进',
  attribute: '客户属性',
  age: '年龄',
  tag: '标签',
};

interface FormProps {
  errors: RuleErrors;
  options: RuleOptions;
  disabled: boolean;
  change(next: (root: DraftNode) => DraftNode): void;
}

function SelectorEditor({
  selector,
  onChange,
  testId,
  error,
}: {
  selector: SelectorDraft;
  onChange(change: (selector: SelectorDraft) => SelectorDraft): void;
  testId: string;
  error?: string | undefined;
}) {
  const labelOf = (type: string) => EVENT_TYPE_OPTIONS.find((option) => option.type === type)?.label ?? type;
  const setFilter = (key: string, fields: Partial<FilterDraft>) =>
    onChange((current) => ({
      ...current,
      where: current.where.map((filter) => (filter.key === key ? { ...filter, ...fields } : filter)),
    }));
  return (
    <div className="rule-selector" data-testid={testId}>
      <div className="rule-selector__types">
        {selector.types.map((type) => (
          <span key={type} className="rule-chip" data-testid={`${testId}-type`} data-type={type}>
            {labelOf(type)}
            <button
              type="button"
              className="rule-chip__remove"
              aria-label={`移除 ${labelOf(type)}`}
              onClick={() => onChange((current) => ({ ...current, types: current.types.filter((t) => t !== type) }))}
            />
          </span>
        ))}
        <SelectInput<string>
          inline
          testId={`${testId}-add-type`}
          ariaLabel="添加事件类型 Add an event type"
          empty="＋ 事件类型…"
          options={EVENT_TYPE_OPTIONS.filter((option) => !selector.types.includes(option.type)).map((option) => ({
            id: option.type,
            label: `${option.label} (${option.type})`,
          }))}
          value=""
          onChange={(type) => {
            if (type) onChange((current) => ({ ...current, types: [...new Set([...current.types, type])] }));
          }}
        />
      </div>
      <FieldError message={error} />
      {selector.where.map((filter) => (
        <div key={filter.key} className="rule-filter" data-testid={`${testId}-filter`}>
          <span className="muted small">属性</span>
          <input
            className="input input--inline"
            data-testid="filter-property"
            placeholder="如 purpose"
            value={filter.property}
            onChange={(event) => setFilter(filter.key, { property: event.target.value })}
          />
          <SelectInput
            inline
            testId="filter-op"
            options={FILTER_OPS}
            labels={FILTER_OP_LABELS}
            value={filter.op}
            onChange={(op) => setFilter(filter.key, { op })}
          />
          {filter.op !== 'exists' && filter.op !== 'missing' ? (
            <input
              className="input input--inline"
              data-testid="filter-value"
              placeholder={filter.op === 'in' || filter.op === 'notIn' ? '多个值用逗号分隔' : '值'}
              value={filter.value}
              onChange={(event) => setFilter(filter.key, { value: event.target.value })}
            />
          ) : null}
          <button
            type="button"
            className="link-button"
            onClick={() =>
              onChange((current) => ({ ...current, where: current.where.filter((f) => f.key !== filter.key) }))
            }
          >
            移除
          </button>
          <FieldError message={undefined} />
        </div>
      ))}
      <button
        type="button"
        className="link-button"
        data-testid={`${testId}-filter-add`}
        onClick={() => onChange((current) => ({ ...current, where: [...current.where, newFilter()] }))}
      >
        ＋ 属性筛选
      </button>
    </div>
  );
}

/** Errors of a selector's filters (keyed by the filter), shown under the selector. */
function filterErrors(errors: RuleErrors, selector: SelectorDraft): string | undefined {
  for (const filter of selector.where) {
    const message = errorOf(errors, filter.key, 'property') ?? errorOf(errors, filter.key, 'value');
    if (message) return `属性筛选：${message}`;
  }
  return undefined;
}

function AttributeValue({
  node,
  options,
  onChange,
}: {
  node: Extract<LeafDraft, { type: 'attribute' }>;
  options: RuleOptions;
  onChange(value: string): void;
}) {
  const spec = ATTRIBUTE_FIELDS[node.field];
  const choices: { id: string; label: string }[] | null = spec.options
    ? Object.entries(spec.options).map(([id, label]) => ({ id, label }))
    : spec.lookup === 'clinic'
      ? options.clinics.map(({ id, name }) => ({ id, label: name }))
      : spec.lookup === 'staff'
        ? options.staff.map(({ id, name }) => ({ id, label: name }))
        : null;
  if (node.op === 'exists' || node.op === 'missing') return null;
  const many = node.op === 'in' || node.op === 'notIn';
  if (!choices) {
    return (
      <input
        className="input input--inline"
        data-testid="cond-value"
        placeholder={many ? '多个值用逗号分隔' : '值'}
        value={node.value}
        onChange={(event) => onChange(event.target.value)}
      />
    );
  }
  if (many) {
    const chosen = splitValues(node.value);
    return (
      <span className="rule-checks" data-testid="cond-values">
        {choices.map((choice) => (
          <label key={choice.id} className="check">
            <input
              type="checkbox"
              value={choice.id}
              checked={chosen.includes(choice.id)}
              onChange={(event) =>
                onChange(
                  (event.target.checked ? [...chosen, choice.id] : chosen.filter((id) => id !== choice.id)).join(', '),
                )
              }
            />
            {choice.label}
          </label>
        ))}
      </span>
    );
  }
  return (
    <SelectInput inline testId="cond-value" empty="请选择…" options={choices} value={node.value} onChange={onChange} />
  );
}

/** A whole number within a rule line (days, a count, an age). */
function RuleNumber(props: Omit<NumberInputProps, 'className'>) {
  return <NumberInput className="input--number" {...props} />;
}

function LeafFields({ node, errors, options, change }: FormProps & { node: LeafDraft }) {
  const set = (fields: Partial<LeafDraft>) => change((root) => patchNode(root, node.key, fields));
  const selector = (which: 'events' | 'after' | 'none') => (update: (selector: SelectorDraft) => SelectorDraft) =>
    change((root) => updateSelector(root, node.key, which, update));
  const err = (field: string) => errorOf(errors, node.key, field);
  switch (node.type) {
    case 'attribute':
      return (
        <>
          <div className="rule-line">
            <SelectInput
              inline
              testId="cond-field"
              options={ATTRIBUTE_FIELD_IDS}
              labels={(field) => ATTRIBUTE_FIELDS[field].label}
              value={node.field}
              onChange={(field) => {
                const first = ATTRIBUTE_FIELDS[field].options;
                set({ field, value: first ? (Object.keys(first)[0] ?? '') : '' });
              }}
            />
            <SelectInput
              inline
              testId="cond-op"
              options={FILTER_OPS}
              labels={FILTER_OP_LABELS}
              value={node.op}
              onChange={(op) => set({ op })}
            />
            <AttributeValue node={node} options={options} onChange={(value) => set({ value })} />
          </div>
          <FieldError message={err('value')} />
          <p className="muted small">未填写的属性与任何值比较都不成立，只有"有值 / 无值"能判断它。</p>
        </>
      );
    case 'age':
      return (
        <>
          <div className="rule-line">
            <span>年龄</span>
            <RuleNumber testId="cond-min" placeholder="最小" value={node.min} onChange={(min) => set({ min })} />
            <span>至</span>
            <RuleNumber testId="cond-max" placeholder="最大" value={node.max} onChange={(max) => set({ max })} />
            <span>岁（按生日计算，含两端）</span>
          </div>
          <FieldError message={err('min') ?? err('max')} />
        </>
      );
    case 'tag':
      return (
        <>
          <div className="rule-line">
            <SelectInput
              inline
              testId="cond-has"
              options={['has', 'lacks']}
              labels={{ has: '有标签', lacks: '没有标签' }}
              value={node.has ? 'has' : 'lacks'}
              onChange={(has) => set({ has: has === 'has' })}
            />
            <SelectInput
              inline
              testId="cond-tag"
              empty="请选择标签…"
              options={options.tags}
              value={node.tagId}
              onChange={(tagId) => set({ tagId })}
            />
          </div>
          <FieldError message={err('tagId')} />
        </>
      );
    case 'count':
      return (
        <>
          <div className="rule-line">
            <span>近</span>
            <RuleNumber
              value={node.withinDays}
              onChange={(withinDays) => set({ withinDays })}
              testId="cond-within-days"
              placeholder="不限"
            />
            <span>天内（留空 = 累计）</span>
          </div>
          <FieldError message={err('withinDays')} />
          <SelectorEditor
            selector={node.events}
            onChange={selector('events')}
            testId="cond-events"
            error={err('types') ?? filterErrors(errors, node.events)}
          />
          <div className="rule-line">
            <span>次数</span>
            <SelectInput
              inline
              testId="cond-count-op"
              options={COUNT_OPS}
              labels={COUNT_OP_LABELS}
              value={node.op}
              onChange={(op) => set({ op })}
            />
            <RuleNumber testId="cond-count-value" value={node.value} onChange={(value) => set({ value })} />
            <span>次</span>
          </div>
          <FieldError message={err('value')} />
        </>
      );
    case 'last':
      return (
        <>
          <SelectorEditor
            selector={node.events}
            onChange={selector('events')}
            testId="cond-events"
            error={err('types') ?? filterErrors(errors, node.events)}
          />
          <div className="rule-line">
            <span>最近一次发生在</span>
            <RuleNumber value={node.days} onChange={(days) => set({ days })} testId="cond-days" />
            <span>天</span>
            <SelectInput
              inline
              testId="cond-last-op"
              options={['within', 'olderThan']}
              labels={{ within: '以内', olderThan: '以前（之后再没有）' }}
              value={node.op}
              onChange={(op) => set({ op })}
            />
          </div>
          <FieldError message={err('days')} />
          <p className="muted small">从没有这类事件的客户，两种都不成立。</p>
        </>
      );
    case 'absence':
      return (
        <>
          <div className="rule-line">
            <span>最近一次</span>
          </div>
          <SelectorEditor
            selector={node.after}
            onChange={selector('after')}
            testId="cond-after"
            error={err('after') ?? filterErrors(errors, node.after)}
          />
          <div className="rule-line">
            <span>之后</span>
            <RuleNumber
              value={node.withinDays}
              onChange={(withinDays) => set({ withinDays })}
              testId="cond-within-days"
              placeholder="至今"
            />
            <span>天内（留空 = 至今）没有</span>
          </div>
          <FieldError message={err('withinDays')} />
          <SelectorEditor
            selector={node.none}
            onChange={selector('none')}
            testId="cond-none"
            error={err('none') ?? filterErrors(errors, node.none)}
          />
          <p className="muted small">没有起始事件的客户不成立；设了天数时，天数过完才成立。</p>
        </>
      );
  }
}

function ConditionView(props: FormProps & { node: DraftNode; depth: number; negated?: boolean }) {
  const { node, depth, change, disabled } = props;
  if (isGroup(node)) return <GroupView {...props} node={node} root={false} />;
  if (node.type === 'not') {
    return (
      <div className="rule-not" data-testid="rule-not">
        <div className="rule-not__head">
          <strong>不满足</strong>
          <button
            type="button"
            className="link-button"
            data-testid="cond-unnot"
            disabled={disabled}
            onClick={() => change((root) => toggleNot(root, node.key))}
          >
            取消"不满足"
          </button>
        </div>
        <ConditionView {...props} node={node.child} depth={depth + 1} negated />
      </div>
    );
  }
  return (
    <div className="rule-leaf" data-testid="rule-condition" data-type={node.type} data-key={node.key}>
      <div className="rule-leaf__head">
        <strong>{LEAF_TITLES[node.type]}</strong>
        <span className="rule-leaf__actions">
          {props.negated ? null : (
            <button
              type="button"
              className="link-button"
              data-testid="cond-not"
              onClick={() => change((root) => toggleNot(root, node.key))}
            >
              取反
            </button>
          )}
          <button
            type="button"
            className="link-button link-button--danger"
            data-testid="cond-remove"
            onClick={() => change((root) => removeNode(root, node.key))}
          >
            删除
          </button>
        </span>
      </div>
      <LeafFields {...props} node={node} />
    </div>
  );
}

function GroupView(props: FormProps & { node: GroupDraft; depth: number; root: boolean }) {
  const { node, depth, change, errors, root } = props;
  const [adding, setAdding] = useState<ConditionType>('count');
  return (
    <div
      className={`rule-group${root ? ' rule-group--root' : ''}`}
      data-testid="rule-group"
      data-type={node.type}
      data-depth={depth}
    >
      <div className="rule-group__head">
        <SelectInput
          inline
          testId="rule-group-type"
          options={['all', 'any']}
          labels={{ all: '满足以下全部条件（且）', any: '满足以下任一条件（或）' }}
          value={node.type}
          onChange={(type) => change((tree) => patchNode(tree, node.key, { type }))}
        />
        {root ? null : (
          <span className="rule-leaf__actions">
            <button type="button" className="link-button" onClick={() => change((tree) => toggleNot(tree, node.key))}>
              取反
            </button>
            <button
              type="button"
              className="link-button link-button--danger"
              onClick={() => change((tree) => removeNode(tree, node.key))}
            >
              删除组
            </button>
          </span>
        )}
      </div>
      {node.children.length ? (
        <ol className="rule-group__children">
          {node.children.map((child) => (
            <li key={child.key}>
              <ConditionView {...props} node={child} depth={depth + 1} />
            </li>
          ))}
        </ol>
      ) : (
        <p className="muted small">还没有条件：在下面添加。</p>
      )}
      <FieldError message={errorOf(errors, node.key, 'children')} />
      <div className="rule-group__add">
        <SelectInput
          inline
          testId="rule-add-type"
          ariaLabel="条件类型 Condition type"
          options={CONDITION_TYPES}
          labels={CONDITION_LABELS}
          value={adding}
          onChange={(type) => setAdding(type)}
        />
        <button
          type="button"
          className="button button--small"
          data-testid="rule-add"
          onClick={() => change((tree) => addCondition(tree, node.key, newCondition(adding)))}
        >
          ＋ 添加条件
        </button>
      </div>
    </div>
  );
}

/** The rule as a form; `root` is always a group. */
export function RuleForm({
  root,
  onChange,
  errors,
  options,
  disabled = false,
}: {
  root: GroupDraft;
  onChange(change: (root: DraftNode) => DraftNode): void;
  errors: RuleErrors;
  options: RuleOptions;
  disabled?: boolean;
}) {
  return (
    <fieldset className="rule-form sched-form__fields" data-testid="rule-form" disabled={disabled}>
      <GroupView node={root} depth={0} root errors={errors} options={options} disabled={disabled} change={onChange} />
      <FieldError message={errorOf(errors, 'rule', 'rule')} />
    </fieldset>
  );
}

/** The rule in one sentence under the form, or what is still missing. */
export function RuleReading({
  rule,
  names,
  pending,
}: {
  rule: RuleCondition | null;
  names: RuleNames;
  pending: boolean;
}) {
  return (
    <p className="rule-reading" data-testid="rule-reading">
      <span className="muted small">读作 Reads as：</span>
      {rule ? ruleText(rule, names) : pending ? <span className="muted">（请先完成条件）</span> : null}
    </p>
  );
}

// ---------------------------------------------------------------------------------------------------------------
// The preview

export function RulePreview({
  rule,
  names,
  title = '预览 Preview',
}: {
  rule: RuleCondition | null;
  names: RuleNames;
  title?: string;
}) {
  const { state, refresh } = useRulePreview(rule);
  const clinicName = (id: string | null) => (id ? (names.clinic?.(id) ?? id) : '—');
  const staffName = (id: string | null) => (id ? (names.staff?.(id) ?? id) : '—');
  const data = state.data;
  return (
    <section
      className="card rule-preview"
      aria-label="预览 Preview"
      data-testid="rule-preview"
      data-state={state.status}
    >
      <div className="day__head">
        <h2 className="card__title">
          {title} <span className="muted small">现在符合条件的客户</span>
        </h2>
        <button type="button" className="link-button" onClick={refresh} disabled={!rule}>
          刷新
        </button>
      </div>
      {!rule && !data ? <p className="muted">完成条件后显示人数。 Complete the conditions to see the count.</p> : null}
      {data ? (
        <>
          <p className="rule-preview__count" aria-busy={state.status === 'loading'}>
            <span className="rule-preview__number" data-testid="preview-count" data-state={state.status}>
              {data.count}
            </span>
            <span className="muted"> 位客户 · 计算于 {formatDateTime(data.evaluatedAt)}</span>
            {state.status === 'loading' ? <span className="muted small"> · 更新中…</span> : null}
          </p>
          {data.items.length ? (
            <div className="table-wrap">
              <table className="table">
                <thead>
                  <tr>
                    <th>客户</th>
                    <th>类型</th>
                    <th>门店</th>
                    <th>负责人</th>
                  </tr>
                </thead>
                <tbody>
                  {data.items.map((customer) => (
                    <tr key={customer.id} data-testid="preview-row" data-customer-id={customer.id}>
                      <td>{customer.name ?? '（未命名）'}</td>
                      <td className="nowrap">{ATTRIBUTE_FIELDS.kind.options?.[customer.kind] ?? customer.kind}</td>
                      <td>{clinicName(customer.clinicId)}</td>
                      <td>{staffName(customer.ownerStaffId)}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
              {data.count > data.items.length ? <p className="muted small">显示前 {data.items.length} 位。</p> : null}
            </div>
          ) : (
            <p className="muted">现在没有客户符合。</p>
          )}
        </>
      ) : rule && state.status !== 'failed' ? (
        <p className="muted" data-testid="preview-loading">
          计算中… Counting
        </p>
      ) : null}
      {state.message ? (
        <p className="field-error" role="alert" data-testid="preview-error">
          {state.message}
        </p>
      ) : null}
    </section>
  );
}

// ---------------------------------------------------------------------------------------------------------------
// Recompute progress

export function RecomputeProgress({
  tagId,
  initial,
  canRun,
  onFinished,
}: {
  tagId: string;
  initial: TagRecompute | null;
  canRun: boolean;
  onFinished?(job: TagRecompute): void;
}) {
  const [job, setJob] = useState<TagRecompute | null>(initial);
  const [failure, setFailure] = useState<string | null>(null);
  const [starting, setStarting] = useState(false);
  useEffect(() => setJob(initial), [initial]);

  const active = isRecomputeActive(job);
  const jobId = job?.id ?? null;
  useEffect(() => {
    if (!active) return;
    let stopped = false;
    let attempt = 0;
    let timer: ReturnType<typeof setTimeout> | null = null;
    const poll = () => {
      timer = setTimeout(() => {
        tagsApi.recomputeStatus(tagId).then(
          (next) => {
            if (stopped) return;
            setJob(next);
            setFailure(null);
            if (isRecomputeActive(next)) {
              attempt += 1;
              poll();
            } else {
              onFinished?.(next);
            }
          },
          (reason: unknown) => {
            if (stopped) return;
            setFailure(explainTagError(reason, 'recompute'));
            attempt += 1;
            poll();
          },
        );
      }, pollDelay(attempt));
    };
    poll();
    return () => {
      stopped = true;
      if (timer) clearTimeout(timer);
    };
    // Polls while this run is active; a new run (another id) starts again.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [tagId, jobId, active]);

  const start = async () => {
    setStarting(true);
    setFailure(null);
    try {
      setJob(await tagsApi.recompute(tagId));
    } catch (reason) {
      setFailure(explainTagError(reason, 'recompute'));
    } finally {
      setStarting(false);
    }
  };

  const shown = job ? recomputeView(job) : null;
  return (
    <section className="card recompute" aria-label="全量计算 Recompute" data-testid="recompute">
      <div className="day__head">
        <h2 className="card__title">
          全量计算 <span className="muted small">Recompute</span>
        </h2>
        {canRun ? (
          <button
            type="button"
            className="button button--small"
            data-testid="recompute-start"
            disabled={starting || active}
            onClick={() => void start()}
          >
            重新计算
          </button>
        ) : null}
      </div>
      {shown ? (
        <div data-testid="recompute-progress" data-status={shown.status}>
          <div
            className="tag-progress"
            role="progressbar"
            aria-valuemin={0}
            aria-valuemax={100}
            aria-valuenow={shown.percent}
          >
            <div
              className={`tag-progress__bar tag-progress__bar--${shown.status}`}
              style={{ width: `${shown.percent}%` }}
            />
          </div>
          <p>
            <strong data-testid="recompute-label">{shown.label}</strong>
          </p>
          <p className="muted small" data-testid="recompute-detail">
            {shown.detail}
          </p>
          {shown.error ? (
            <p className="field-error" role="alert">
              {shown.error}
            </p>
          ) : null}
        </div>
      ) : (
        <p className="muted">还没有计算记录。</p>
      )}
      {failure ? (
        <p className="field-error" role="alert" data-testid="recompute-error">
          {failure}
        </p>
      ) : null}
    </section>
  );
}

// ---------------------------------------------------------------------------------------------------------------
// The page

function MetaFields({
  draft,
  errors,
  set,
  bind,
  kind,
  library,
}: Pick<DraftController<TagDraft, TagField>, 'draft' | 'errors' | 'set' | 'bind'> & {
  kind: 'static' | 'dynamic';
  library: TagLibrary | null;
}) {
  return (
    <div className="form-grid">
      <TextField label="标签名 Name" testId="tag-name" maxLength={30} {...bind('name')} />
      <SelectField
        label="分组 Group"
        testId="tag-group"
        empty="未分组"
        options={library?.groups ?? []}
        {...bind('groupId')}
      />
      <TagColourField testId="tag-colour" {...bind('colour')} />
      {kind === 'static' ? (
        <SelectField
          label="谁可以添加 Who may apply"
          testId="tag-apply-by"
          options={TAG_APPLY_BY_OPTIONS}
          labels={TAG_APPLY_BY_LABELS}
          {...bind('applyBy')}
        />
      ) : (
        <Field label="类型 Kind">
          <input className="input" readOnly value={TAG_KIND_LABELS.dynamic} />
        </Field>
      )}
      <Field label="说明 Description" hint="（各角色看到同一个含义）" error={errors.description} wide>
        <textarea
          className="input"
          data-testid="tag-description"
          rows={2}
          maxLength={TAG_LIMITS.description + 10}
          value={draft.description}
          onChange={(event) => set('description', event.target.value)}
        />
      </Field>
      {kind === 'static' ? (
        <TextField
          label="聊天关键词 Keywords"
          hint="（备注或聊天中出现任一关键词即自动打上，逗号分隔）"
          wide
          testId="tag-keywords"
          placeholder="如：种植, implant"
          {...bind('keywords')}
        />
      ) : null}
    </div>
  );
}

export function TagRuleEditor({ staff, tagId }: { staff: StaffProfile; tagId: string | null }) {
  const editable = canManageCampaigns(staff);
  const library = useResource('tag-library', tagsApi.library, (reason) => explainTagError(reason, 'load'));
  const tag: TagDefinition | null = tagId ? (library.data?.tags.find((item) => item.id === tagId) ?? null) : null;
  const kind = tag?.kind ?? 'dynamic';
  const examples = useResource(editable && !tagId ? 'tag-examples' : null, tagsApi.examples, (reason) =>
    explainTagError(reason, 'load'),
  );
  const { options, names } = useRuleOptions(library.data, tagId);

  const { draft, errors, set, bind, setErrors, reset } = useDraft<TagDraft, TagField>(emptyTagDraft);
  const [root, setRoot] = useState<GroupDraft>(emptyRuleDraft);
  const [showRuleErrors, setShowRuleErrors] = useState(false);
  const [saving, setSaving] = useState(false);
  const [outcome, setOutcome] = useState<Outcome>(null);
  const [exampleKey, setExampleKey] = useState('');
  const [recompute, setRecompute] = useState<TagRecompute | null>(null);

  // The form starts from the saved tag once it is known (and again when another tag is opened).
  const loadedId = tag?.id ?? null;
  useEffect(() => {
    if (!tag) return;
    reset(tagDraftOf(tag));
    setRoot(tag.rule ? draftFromRule(tag.rule) : emptyRuleDraft());
    setRecompute(tag.recompute);
    setShowRuleErrors(false);
    // Only when another tag is loaded: refreshing the library must not throw away what is being typed.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [loadedId]);

  const built = useMemo(() => buildRule(root), [root]);
  const rule = built.ok ? built.rule : null;
  const ruleErrors: RuleErrors = built.ok ? {} : built.errors;

  const changeRule = useCallback((change: (node: DraftNode) => DraftNode) => {
    setRoot((current) => change(current) as GroupDraft);
    setOutcome(null);
  }, []);

  const applyExample = (example: ExampleRule) => {
    setRoot(draftFromRule(example.rule));
    if (!draft.name.trim()) set('name', example.name);
    if (!draft.description.trim()) set('description', example.description);
    setOutcome({ kind: 'ok', text: `已套用示例「${example.name}」，可以继续修改。` });
  };

  const submit = async (event: React.FormEvent) => {
    event.preventDefault();
    setOutcome(null);
    setShowRuleErrors(true);
    const others = (library.data?.tags ?? []).filter((item) => item.id !== tagId).map((item) => item.name);
    const result = tag
      ? buildUpdateTag(draft, tag, kind === 'dynamic' ? rule : null, others)
      : buildCreateTag(draft, 'dynamic', rule, others);
    if (!result.ok) {
      setErrors(result.errors);
      return;
    }
    setSaving(true);
    try {
      if (!tag) {
        const created = await tagsApi.createTag(result.request as Parameters<typeof tagsApi.createTag>[0]);
        // The tag's own page (a new page: it loads the tag, and follows its first computation).
        window.location.hash = tagHref(created.id);
        return;
      }
      const changes = result.request as Parameters<typeof tagsApi.updateTag>[1];
      if (!Object.keys(changes).length) {
        setOutcome({ kind: 'ok', text: '没有修改。 Nothing changed.' });
        return;
      }
      const updated = await tagsApi.updateTag(tag.id, changes);
      library.patch((current) => ({
        ...current,
        tags: current.tags.map((item) => (item.id === updated.id ? updated : item)),
      }));
      setRecompute(updated.recompute);
      setOutcome({
        kind: 'ok',
        text: changes.rule ? '已保存，规则正在后台重新计算。 Saved; recomputing.' : '已保存。 Saved.',
      });
    } catch (reason) {
      setOutcome({ kind: 'error', text: explainTagError(reason, 'save') });
    } finally {
      setSaving(false);
    }
  };

  const { reload } = library;
  const onFinished = useCallback(() => reload(), [reload]);

  if (tagId && !tag) {
    return (
      <div className="page tag-editor">
        <a href={tagHref()} className="link-button">
          ← 返回标签库
        </a>
        {library.state.status === 'failed' ? (
          <p className="field-error" role="alert">
            标签库加载失败：{library.state.message}
          </p>
        ) : library.state.status === 'ready' ? (
          <p className="field-error" role="alert" data-testid="tag-missing">
            没有找到这个标签（可能已归档）。
          </p>
        ) : (
          <p className="muted">加载中… Loading</p>
        )}
      </div>
    );
  }

  const title = tag ? `标签「${tag.name}」` : '新建动态标签';
  return (
    <div className="page tag-editor" data-testid="tag-editor" data-tag-id={tag?.id ?? ''}>
      <a href={tagHref()} className="link-button" data-testid="tag-back">
        ← 返回标签库 Library
      </a>
      {!editable ? (
        <p className="readonly-note" role="note">
          只有店长或管理员可以修改标签和规则，你可以查看。 Only managers and admins change tags and rules.
        </p>
      ) : null}
      <div className="forms tag-editor__layout">
        <form className="card sched-form" data-testid="tag-form" onSubmit={(event) => void submit(event)} noValidate>
          <h2 className="card__title">
            {title} <span className="muted small">{TAG_KIND_LABELS[kind]}</span>
          </h2>
          {editable && !tag ? (
            <div className="rule-examples">
              <label className="field">
                <span className="field__label">从示例开始 Start from an example</span>
                <span className="row">
                  <SelectInput
                    testId="rule-example"
                    empty="选择示例规则…"
                    options={(examples.data ?? []).map((example) => ({ id: example.key, label: example.name }))}
                    value={exampleKey}
                    onChange={setExampleKey}
                  />
                  <button
                    type="button"
                    className="button"
                    data-testid="rule-example-apply"
                    disabled={!exampleKey}
                    onClick={() => {
                      const example = examples.data?.find((item) => item.key === exampleKey);
                      if (example) applyExample(example);
                    }}
                  >
                    套用
                  </button>
                </span>
              </label>
              {examples.state.status === 'failed' ? (
                <p className="field-error">示例加载失败：{examples.state.message}</p>
              ) : null}
            </div>
          ) : null}
          <fieldset className="sched-form__fields" disabled={saving || !editable}>
            <MetaFields draft={draft} errors={errors} set={set} bind={bind} kind={kind} library={library.data} />
          </fieldset>
          {kind === 'dynamic' ? (
            <>
              <h3 className="rule-form__title">
                规则条件 <span className="muted small">Conditions</span>
              </h3>
              <RuleForm
                root={root}
                onChange={changeRule}
                errors={showRuleErrors ? ruleErrors : {}}
                options={options}
                disabled={saving || !editable}
              />
              <RuleReading rule={rule} names={names} pending={!built.ok} />
              <FieldError message={errors.rule} />
            </>
          ) : null}
          {editable ? (
            <div className="row sched-form__foot">
              <span className="muted small">{kind === 'dynamic' ? '保存后规则会在后台对所有客户重新计算。' : ''}</span>
              <button type="submit" className="button button--primary" data-testid="tag-save" disabled={saving}>
                {saving ? '保存中…' : tag ? '保存 Save' : '创建并计算 Create'}
              </button>
            </div>
          ) : null}
          <OutcomeLine outcome={outcome} testId="tag-result" />
        </form>
        <div className="forms__side">
          {kind === 'dynamic' && editable ? <RulePreview rule={rule} names={names} /> : null}
          {tag && kind === 'dynamic' ? (
            <RecomputeProgress tagId={tag.id} initial={recompute} canRun={editable} onFinished={onFinished} />
          ) : null}
          {tag ? (
            <section className="card">
              <h2 className="card__title">
                现状 <span className="muted small">Now</span>
              </h2>
              <p data-testid="tag-customers">
                {tag.customers} 位客户带有此标签 · 更新于 {formatDateTime(tag.updatedAt)}
              </p>
            </section>
          ) : null}
        </div>
      </div>
    </div>
  );
}
