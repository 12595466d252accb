import { describe, expect, it } from 'vitest';
import { createStorageTokenStore, TOKEN_STORAGE_KEY } from '../../../miniapp/src/services/storage';
import { memoryStorage } from './fakes';

const pair = { accessToken: 'a1', refreshToken: 'r1', expiresIn: 900 };

describe('createStorageTokenStore', () => {
  it('keeps tokens in storage across instances (app restarts)', () => {
    const storage = memoryStorage();
    createStorageTokenStore(storage).set(pair);
    expect(storage.data.get(TOKEN_STORAGE_KEY)).toEqual(pair);
    expect(createStorageTokenStore(storage).get()).toEqual(pair);
  });

  it('stores only the token fields', () => {
    const storage = memoryStorage();
    createStorageTokenStore(storage).set({ ...pair, customer: { id: 'x' } } as typeof pair);
    expect(storage.data.get(TOKEN_STORAGE_KEY)).toEqual(pair);
  });

  it('removes them on sign-out', () => {
    const storage = memoryStorage();
    const store = createStorageTokenStore(storage);
    store.set(pair);
    store.set(null);
    expect(store.get()).toBeNull();
    expect(storage.data.has(TOKEN_STORAGE_KEY)).toBe(false);
  });

  it('ignores anything in storage that is not a token pair', () => {
    for (const junk of ['', 'abc', { accessToken: 'a' }, 42, null]) {
      expect(createStorageTokenStore(memoryStorage({ [TOKEN_STORAGE_KEY]: junk })).get()).toBeNull();
    }
  });
});
