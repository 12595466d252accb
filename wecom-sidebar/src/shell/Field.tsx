/**
 * The form parts every editor uses: one labelled field (label, the input, its error), a text field, a number field (its
 * draft kept as the text typed, parsed on save), a select (its value typed), a group of checkboxes, and the outcome line
 * under a form. The inputs themselves stay plain elements with the `input` class.
 */
import type { ReactNode } from 'react';

export type Outcome = { kind: 'ok' | 'error'; text: string } | null;

export function FieldError({ message }: { message?: string | undefined }) {
  return message ? (
    <p className="field-error" role="alert">
      {message}
    </p>
  ) : null;
}

/** What a labelled input (`TextField`, `NumberField`, `SelectField`) shows around it: see `Field`. */
export interface FieldFrame {
  label: string;
  hint?: string | undefined;
  error?: string | undefined;
  /** Spans both columns of a `form-grid`. */
  wide?: boolean | undefined;
}

/** A label over one input; `group` for several inputs (checkboxes, radios), which a <label> must not wrap. */
export function Field({
  label,
  hint,
  error,
  wide,
  group,
  testId,
  children,
}: FieldFrame & {
  group?: boolean;
  testId?: string;
  children: ReactNode;
}) {
  const className = `field${wide ? ' form-grid__wide' : ''}`;
  const body = (
    <>
      <span className="field__label">
        {label}
        {hint ? <span className="field__hint"> {hint}</span> : null}
      </span>
      {children}
      <FieldError message={error} />
    </>
  );
  return group ? (
    <div className={className} role="group" aria-label={label} data-testid={testId}>
      {body}
    </div>
  ) : (
    <label className={className} data-testid={testId}>
      {body}
    </label>
  );
}

export interface TextInputProps {
  value: string;
  onChange(next: string): void;
  /** On the input itself: the selector tests use. */
  testId: string;
  /** A date, a time or a local date and time picked natively (the value stays the input's text); else plain text. */
  type?: 'date' | 'time' | 'datetime-local';
  /** Also for date types: `min` as the input takes it (e.g. today's `YYYY-MM-DD`). */
  min?: string;
  maxLength?: number;
  placeholder?: string;
  disabled?: boolean;
}

/** A labelled one-line text (or date/time) input: `<Field>` around an `input`, its value the text as typed. */
export function TextField({
  label,
  hint,
  error,
  wide,
  value,
  onChange,
  testId,
  ...input
}: TextInputProps & FieldFrame) {
  return (
    <Field label={label} hint={hint} error={error} wide={wide}>
      <input
        className="input"
        data-testid={testId}
        {...input}
        value={value}
        onChange={(event) => onChange(event.target.value)}
      />
    </Field>
  );
}

/**
 * What a number input lets staff type: `whole` (0, 1, 2 …; a phone shows digits), `signed` (may start with a minus,
 * which a phone's digit pad lacks), `decimal` (an amount, e.g. yuan).
 */
export type NumberKind = 'whole' | 'signed' | 'decimal';

const INPUT_MODE = { whole: 'numeric', signed: 'text', decimal: 'decimal' } as const;

export interface NumberInputProps {
  /** The draft: the text as typed (the form parses it on save). */
  value: string;
  onChange(next: string): void;
  /** On the input itself: the selector tests use. */
  testId: string;
  kind?: NumberKind;
  /** With min, max or step the input is a native `type="number"` (its arrows and range); else a text input. */
  min?: number;
  max?: number;
  step?: number;
  /** A unit after the input: 元, 分钟, 天. */
  suffix?: string;
  placeholder?: string;
  disabled?: boolean;
  /** The accessible name of an input outside a Field (one of several in a row). */
  ariaLabel?: string;
  /** 72px wide, for a number among other inputs in a row. */
  short?: boolean;
  /** Extra classes on the input (e.g. `inline-edit__input`). */
  className?: string;
}

/** One number input: its draft as text, the `input` class, the test id on the input; a unit after it if given. */
export function NumberInput({
  value,
  onChange,
  testId,
  kind = 'whole',
  min,
  max,
  step,
  suffix,
  placeholder,
  disabled,
  ariaLabel,
  short,
  className,
}: NumberInputProps) {
  const native = min !== undefined || max !== undefined || step !== undefined;
  const input = (
    <input
      className={['input', short ? 'input--short' : null, className].filter(Boolean).join(' ')}
      {...(native ? { type: 'number', min, max, step } : { inputMode: INPUT_MODE[kind] })}
      data-testid={testId}
      aria-label={ariaLabel}
      placeholder={placeholder}
      disabled={disabled}
      value={value}
      onChange={(event) => onChange(event.target.value)}
    />
  );
  return suffix ? (
    <span className={short ? 'number-input number-input--short' : 'number-input'}>
      {input}
      <span className="number-input__suffix">{suffix}</span>
    </span>
  ) : (
    input
  );
}

/** A labelled number input: `<Field>` around a `NumberInput`. */
export function NumberField({ label, hint, error, wide, ...input }: NumberInputProps & FieldFrame) {
  return (
    <Field label={label} hint={hint} error={error} wide={wide}>
      <NumberInput {...input} />
    </Field>
  );
}

/** A record offered by a select: its id is the value, its label (or name) the text. */
export type SelectRecord<V extends string> = { id: V; label: string } | { id: V; name: string };

/** The choices of a select: values with their texts (a label map or a function), or records. */
type SelectChoices<V extends string> =
  | { options: readonly V[]; labels: Readonly<Record<V, string>> | ((option: V) => string) }
  | { options: readonly SelectRecord<V>[]; labels?: undefined };

export type SelectInputProps<T extends string> = SelectChoices<Exclude<T, ''>> & {
  value: T;
  onChange(next: T): void;
  /** On the select itself: the selector tests use. */
  testId: string;
  /** A first option with the value '' (全部, 未分组, 请选择…, 加载中…); only where the value may be ''. */
  empty?: '' extends T ? string | undefined : never;
  /**
   * The text of an option for a value that is none of the options (a step since deleted, a record not loaded yet), so
   * the select shows it rather than silently showing the first option; without it such a value is not shown.
   */
  missing?: (value: T) => string;
  disabled?: boolean;
  /** The accessible name of a select outside a Field. */
  ariaLabel?: string;
  /** `input--inline`: sized to its text, for a select in a row of filters or rule parts. */
  inline?: boolean;
  /** Extra classes on the select. */
  className?: string;
  /** For a `<label htmlFor>` outside it. */
  id?: string;
};

/** One select with the `input` class: typed value, the test id on the select, an optional empty first option. */
export function SelectInput<T extends string>({
  value,
  onChange,
  options,
  labels,
  testId,
  empty,
  missing,
  disabled,
  ariaLabel,
  inline,
  className,
  id,
}: SelectInputProps<T>) {
  const choices = (options as readonly (string | SelectRecord<string>)[]).map((option) =>
    typeof option !== 'string'
      ? { id: option.id, label: 'label' in option ? option.label : option.name }
      : {
          id: option,
          label: typeof labels === 'function' ? labels(option as Exclude<T, ''>) : labels![option as Exclude<T, ''>],
        },
  );
  const shown = (empty !== undefined && value === '') || choices.some((choice) => choice.id === value);
  return (
    <select
      id={id}
      className={['input', inline ? 'input--inline' : null, className].filter(Boolean).join(' ')}
      aria-label={ariaLabel}
      data-testid={testId}
      value={value}
      disabled={disabled}
      onChange={(event) => onChange(event.target.value as T)}
    >
      {empty !== undefined ? <option value="">{empty}</option> : null}
      {shown || !missing ? null : <option value={value}>{missing(value)}</option>}
      {choices.map((choice) => (
        <option key={choice.id} value={choice.id}>
          {choice.label}
        </option>
      ))}
    </select>
  );
}

/** A labelled select: `<Field>` around a `SelectInput`. */
export function SelectField<T extends string>({
  label,
  hint,
  error,
  wide,
  ...input
}: SelectInputProps<T> & FieldFrame) {
  return (
    <Field label={label} hint={hint} error={error} wide={wide}>
      <SelectInput<T> {...(input as SelectInputProps<T>)} />
    </Field>
  );
}

/** A checkbox per option; `value` holds the chosen ids. */
export function CheckList({
  options,
  value,
  onChange,
  testId,
  empty,
}: {
  options: readonly { id: string; label: string }[] | null;
  value: readonly string[];
  onChange(next: string[]): void;
  testId: string;
  /** Shown when there are no options. */
  empty: string;
}) {
  return (
    <div className="checks">
      {options === null ? <span className="muted small">加载中… Loading</span> : null}
      {options?.length === 0 ? <span className="muted small">{empty}</span> : null}
      {(options ?? []).map((option) => (
        <label key={option.id} className="check">
          <input
            type="checkbox"
            data-testid={testId}
            value={option.id}
            checked={value.includes(option.id)}
            onChange={(event) =>
              onChange(event.target.checked ? [...value, option.id] : value.filter((id) => id !== option.id))
            }
          />
          {option.label}
        </label>
      ))}
    </div>
  );
}

export function OutcomeLine({ outcome, testId }: { outcome: Outcome; testId: string }) {
  if (!outcome) return null;
  return (
    <p
      className={`form-outcome form-outcome--${outcome.kind}`}
      role={outcome.kind === 'ok' ? 'status' : 'alert'}
      data-testid={testId}
      data-state={outcome.kind}
    >
      {outcome.text}
    </p>
  );
}
