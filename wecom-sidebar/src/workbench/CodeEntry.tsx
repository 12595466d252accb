/**
 * The check-in form the front desk and the meeting desk share: a code typed, typed by a handheld scanner (the code and
 * Enter) or, inside WeCom, scanned with the camera; the input keeps the focus for the next person. What a code does,
 * and what the desk shows about it, is the caller's.
 */
import { useEffect, useRef, useState } from 'react';

export function CodeEntry({
  block,
  testIds,
  placeholder,
  scan,
  autoFocus,
  onSubmit,
  onScanError,
}: {
  /** The BEM block of the form's classes: `${block}__form`, `${block}__input`, `${block}__button`. */
  block: string;
  testIds: { input: string; submit: string; scan: string };
  placeholder: string;
  /** Inside WeCom: scan with the camera. */
  scan: (() => Promise<string>) | null;
  autoFocus?: boolean;
  /** Checks in with the code as typed (its own errors shown by the caller); true when done, which empties the input. */
  onSubmit(code: string): Promise<boolean>;
  onScanError(reason: unknown): void;
}) {
  const [code, setCode] = useState('');
  const [busy, setBusy] = useState(false);
  const input = useRef<HTMLInputElement>(null);
  useEffect(() => {
    if (autoFocus) input.current?.focus();
  }, [autoFocus]);

  const submit = async (raw: string) => {
    setBusy(true);
    try {
      if (await onSubmit(raw)) setCode('');
    } finally {
      setBusy(false);
      input.current?.focus();
    }
  };

  const scanNow = async () => {
    if (!scan) return;
    let text: string;
    try {
      text = await scan();
    } catch (reason) {
      onScanError(reason);
      return;
    }
    setCode(text);
    await submit(text);
  };

  return (
    <form
      className={`${block}__form`}
      onSubmit={(event) => {
        event.preventDefault();
        if (!busy) void submit(code);
      }}
    >
      <input
        ref={input}
        className={`input ${block}__input`}
        data-testid={testIds.input}
        placeholder={placeholder}
        autoComplete="off"
        spellCheck={false}
        enterKeyHint="go"
        value={code}
        onChange={(event) => setCode(event.target.value)}
      />
      <button
        type="submit"
        className={`button button--primary ${block}__button`}
        data-testid={testIds.submit}
        disabled={busy}
      >
        {busy ? '签到中…' : '签到 Check in'}
      </button>
      {scan ? (
        <button
          type="button"
          className={`button ${block}__button`}
          data-testid={testIds.scan}
          disabled={busy}
          onClick={() => void scanNow()}
        >
          扫码 Scan
        </button>
      ) : null}
    </form>
  );
}
