/**
 * Inputs the journey forms share: an event type picker (the timeline's names for the catalogue's types) and rows of
 * property filters (`where`): property, operator, value.
 */
import { emptyFilter, type FilterDraft } from '../journeys/filters';
import { FILTER_OP_LABELS, FILTER_OPS } from '../journeys/labels';
import { EVENT_LABELS } from '../profile/eventLabels';
import { SelectInput } from '../shell/Field';

const EVENT_OPTIONS = (Object.keys(EVENT_LABELS) as (keyof typeof EVENT_LABELS)[]).map((type) => ({
  id: type,
  label: `${EVENT_LABELS[type]} · ${type}`,
}));

export function EventSelect({
  value,
  onChange,
  disabled,
  testId,
  label,
}: {
  value: string;
  onChange(next: string): void;
  disabled?: boolean;
  testId: string;
  label?: string;
}) {
  return (
    <SelectInput<string>
      ariaLabel={label}
      testId={testId}
      missing={(type) => type || '请选择事件'}
      options={EVENT_OPTIONS}
      value={value}
      disabled={disabled}
      onChange={onChange}
    />
  );
}

export function FilterRows({
  rows,
  onChange,
  disabled,
  testId,
}: {
  rows: readonly FilterDraft[];
  onChange(next: FilterDraft[]): void;
  disabled?: boolean;
  testId: string;
}) {
  const replace = (index: number, change: Partial<FilterDraft>) =>
    onChange(rows.map((row, at) => (at === index ? { ...row, ...change } : row)));
  return (
    <div className="jfilters" data-testid={testId}>
      {rows.map((row, index) => (
        <div key={index} className="jfilters__row" data-testid={`${testId}-row`}>
          <input
            className="input"
            aria-label="属性 Property"
            placeholder="属性，如 name"
            value={row.property}
            disabled={disabled}
            onChange={(event) => replace(index, { property: event.target.value })}
          />
          <SelectInput
            ariaLabel="条件 Operator"
            testId={`${testId}-op`}
            options={FILTER_OPS}
            labels={FILTER_OP_LABELS}
            value={row.op}
            disabled={disabled}
            onChange={(op) => replace(index, { op })}
          />
          {row.op === 'exists' || row.op === 'missing' ? (
            <span />
          ) : (
            <input
              className="input"
              aria-label="值 Value"
              placeholder={row.op === 'in' || row.op === 'notIn' ? '值，用逗号分隔' : '值'}
              value={row.value}
              disabled={disabled}
              onChange={(event) => replace(index, { value: event.target.value })}
            />
          )}
          {disabled ? null : (
            <button
              type="button"
              className="link-button link-button--danger"
              onClick={() => onChange(rows.filter((_, at) => at !== index))}
            >
              删除
            </button>
          )}
        </div>
      ))}
      {disabled ? null : (
        <button
          type="button"
          className="link-button"
          data-testid={`${testId}-add`}
          onClick={() => onChange([...rows, emptyFilter()])}
        >
          + 属性条件
        </button>
      )}
    </div>
  );
}
