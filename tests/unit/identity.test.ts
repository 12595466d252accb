import { describe, expect, it } from 'vitest';
import { isPlaceholderIdentity } from '../../bff/src/identity/service';

describe('placeholder identities', () => {
  it.each(['', '   ', 'null', 'undefined', 'NULL', '-1', '0', '0000000000'])('never links anyone by %j', (value) => {
    expect(isPlaceholderIdentity(value)).toBe(true);
  });

  it('treats a missing value as a placeholder', () => {
    expect(isPlaceholderIdentity(null)).toBe(true);
    expect(isPlaceholderIdentity(undefined)).toBe(true);
  });

  it('accepts real-looking ids', () => {
    expect(isPlaceholderIdentity('oUpF8uMuAJO_M2pxb1Q9zNjWeS6o')).toBe(false);
    expect(isPlaceholderIdentity('100')).toBe(false);
  });
});
