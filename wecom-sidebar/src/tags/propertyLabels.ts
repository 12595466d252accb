/**
 * Words for the event properties a rule's filters can name (`purpose` of payment.paid, `outcome` of
 * task.completed …) and for the enumerated values they take, so a rule reads `（支付用途 不属于 预约定金）` instead
 * of `（purpose 不属于 appointment_deposit）`: the words the server's tag explanations use too
 * (`@careloop/shared/words`). A property or value not listed there shows as itself.
 */
import { propertyValueWords } from '@careloop/shared/words';
import type { RuleScalar } from './types';

export { propertyLabel } from '@careloop/shared/words';

/**
 * A value of `property` in words: `appointment_deposit` of `purpose` → `预约定金`, a boolean → 是 / 否; null when
 * there are no words for it (the caller shows the value as typed).
 */
export function propertyValueLabel(property: string, value: RuleScalar): string | null {
  if (typeof value === 'boolean') return value ? '是' : '否';
  return typeof value === 'string' ? propertyValueWords(property, value) : null;
}
