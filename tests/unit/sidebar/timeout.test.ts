import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { callWithTimeout, toWecomCallError, WecomCallError } from '../../../wecom-sidebar/src/wecom/timeout';

describe('callWithTimeout', () => {
  beforeEach(() => {
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('settles with the result of a call that answers in time', async () => {
    const result = callWithTimeout('getContext', () => Promise.resolve({ entry: 'single_chat_tools' }), 8000);
    await expect(result).resolves.toEqual({ entry: 'single_chat_tools' });
    expect(vi.getTimerCount()).toBe(0);
  });

  it('accepts a synchronous call', async () => {
    await expect(callWithTimeout('register', () => undefined, 8000)).resolves.toBeUndefined();
  });

  it('rejects with a clear message when the call never settles', async () => {
    const result = callWithTimeout('getCurExternalContact', () => new Promise<never>(() => {}), 8000);
    let outcome: unknown = 'pending';
    result.then(
      (value) => (outcome = value),
      (error: unknown) => (outcome = error),
    );
    await vi.advanceTimersByTimeAsync(7999);
    expect(outcome).toBe('pending');
    await vi.advanceTimersByTimeAsync(1);
    expect(outcome).toBeInstanceOf(WecomCallError);
    expect(outcome).toMatchObject({ api: 'getCurExternalContact', reason: 'timeout' });
    expect((outcome as Error).message).toMatch(/getCurExternalContact.*8 秒.*8 s/);
  });

  it("turns WeCom's {errMsg, errCode} rejection into a WecomCallError", async () => {
    const result = callWithTimeout('getCurExternalContact', () =>
      Promise.reject({ errMsg: 'getCurExternalContact:fail no permission', errCode: 1001 }),
    );
    await expect(result).rejects.toBeInstanceOf(WecomCallError);
    await expect(result).rejects.toMatchObject({
      reason: 'failed',
      errMsg: 'getCurExternalContact:fail no permission',
      errCode: 1001,
    });
    await expect(result).rejects.toThrow(/fail no permission/);
    expect(vi.getTimerCount()).toBe(0);
  });

  it('catches a call that throws synchronously', async () => {
    const result = callWithTimeout('register', () => {
      throw new Error('boom');
    });
    await expect(result).rejects.toMatchObject({ api: 'register', reason: 'failed', errMsg: 'boom' });
  });

  it('ignores a late answer after the timeout', async () => {
    let answer: (value: string) => void = () => {};
    const result = callWithTimeout('getContext', () => new Promise<string>((resolve) => (answer = resolve)), 100);
    const check = expect(result).rejects.toMatchObject({ reason: 'timeout' });
    await vi.advanceTimersByTimeAsync(100);
    answer('late');
    await check;
  });
});

describe('toWecomCallError', () => {
  it('keeps a WecomCallError as it is and describes anything else', () => {
    const original = new WecomCallError('x', 'timeout', 'm');
    expect(toWecomCallError('y', original)).toBe(original);
    expect(toWecomCallError('y', 'text').errMsg).toBe('text');
    expect(toWecomCallError('y', undefined).message).toMatch(/unknown error/);
  });
});
