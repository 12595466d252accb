/**
 * The form parts every editor uses: one labelled field (label, the input, its error), a group of checkboxes, and the
 * outcome line under a form. The inputs themselves stay plain elements with the `input` class.
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

/** A label over one input; `group` for several inputs (checkboxes, radios), which a <label> must not wrap. */
export function Field({
  label,
  hint,
  error,
  wide,
  group,
  testId,
  children,
}: {
  label: string;
  hint?: string;
  error?: string | undefined;
  /** Spans both columns of a `form-grid`. */
  wide?: boolean;
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
