/** A form's draft (what its inputs hold) and its field errors; changing a field clears that field's error. */
import { useCallback, useState } from 'react';
import type { FieldErrors } from './forms';

/** What binds one field's input (a `TextField`, `SelectField`, `NumberField` …) to the draft. */
export interface FieldBinding<V> {
  value: V;
  onChange(next: V): void;
  error: string | undefined;
}

/** `F`: the fields errors can name (the draft's, and any the form checks as a whole, e.g. `codes`). */
export interface DraftController<D, F extends string = keyof D & string> {
  draft: D;
  errors: FieldErrors<F>;
  set<K extends keyof D>(field: K, value: D[K]): void;
  /** `{...bind('name')}`: the field's value, its setter and its error, as a field component takes them. */
  bind<K extends keyof D & string>(field: K): FieldBinding<D[K]>;
  setErrors(errors: FieldErrors<F>): void;
  reset(next: D): void;
}

export function useDraft<D extends object, F extends string = keyof D & string>(
  initial: () => D,
): DraftController<D, F> {
  const [draft, setDraft] = useState<D>(initial);
  const [errors, setErrors] = useState<FieldErrors<F>>({});
  const set = useCallback(<K extends keyof D>(field: K, value: D[K]) => {
    setDraft((current) => ({ ...current, [field]: value }));
    setErrors((current) => {
      const key = field as unknown as F;
      return current[key] ? { ...current, [key]: undefined } : current;
    });
  }, []);
  const reset = useCallback((next: D) => {
    setDraft(next);
    setErrors({});
  }, []);
  const bind = <K extends keyof D & string>(field: K): FieldBinding<D[K]> => ({
    value: draft[field],
    onChange: (next) => set(field, next),
    error: errors[field as string as F],
  });
  return { draft, errors, set, bind, setErrors, reset };
}
