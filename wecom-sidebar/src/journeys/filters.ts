/**
 * Property filters (`where`) as the builder edits them: one row per filter — a property, an operator and a value
 * typed as text (numbers and true/false are read as such; `属于` takes a list separated by commas).
 */
import type { FieldErrors } from '../shell/forms';
import type { PropertyFilter } from './types';

export interface FilterDraft {
  property: string;
  op: PropertyFilter['op'];
  value: string;
}

type Scalar = string | number | boolean;

const PROPERTY = /^[A-Za-z][A-Za-z0-9_]{0,63}$/;
const LIST_SEPARATOR = /[,，、]/;

export const emptyFilter = (): FilterDraft => ({ property: '', op: 'eq', value: '' });

/** `12` → 12, `true` → true, anything else stays text. */
export function readScalar(text: string): Scalar {
  const trimmed = text.trim();
  if (/^-?\d+(\.\d+)?$/.test(trimmed)) return Number(trimmed);
  if (trimmed === 'true' || trimmed === 'false') return trimmed === 'true';
  return trimmed;
}

const writeScalar = (value: Scalar | undefined) => (value === undefined ? '' : String(value));

export function filterDrafts(filters: readonly PropertyFilter[] | undefined): FilterDraft[] {
  return (filters ?? []).map((filter) => ({
    property: filter.property,
    op: filter.op,
    value: filter.values ? filter.values.map(writeScalar).join(', ') : writeScalar(filter.value),
  }));
}

/**
 * The filters of the rows (blank rows left out); errors keyed `${field}` (the first problem) when a row is
 * incomplete. Undefined when there are none, as the schema leaves `where` out.
 */
export function buildFilters<F extends string>(
  rows: readonly FilterDraft[],
  field: F,
  errors: FieldErrors<F>,
): PropertyFilter[] | undefined {
  const filters: PropertyFilter[] = [];
  rows.forEach((row, index) => {
    const property = row.property.trim();
    const value = row.value.trim();
    if (!property && !value) return;
    const say = (message: string) => {
      errors[field] ??= `第 ${index + 1} 个条件：${message}`;
    };
    if (!PROPERTY.test(property)) return say('属性名须以字母开头，只含字母、数字或 _');
    if (row.op === 'exists' || row.op === 'missing') {
      filters.push({ property, op: row.op });
      return;
    }
    if (row.op === 'in' || row.op === 'notIn') {
      const values = value
        .split(LIST_SEPARATOR)
        .map((item) => item.trim())
        .filter(Boolean);
      if (!values.length) return say('请填写至少一个值（用逗号分隔）');
      filters.push({ property, op: row.op, values: values.map(readScalar) });
      return;
    }
    if (!value) return say('请填写比较的值');
    const scalar = readScalar(value);
    if (['gt', 'gte', 'lt', 'lte'].includes(row.op) && typeof scalar === 'boolean')
      return say('大小比较需要数字或文字');
    filters.push({ property, op: row.op, value: scalar });
  });
  return filters.length ? filters : undefined;
}
