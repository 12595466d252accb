/** Emulated context: search the organisation's customers and make one the current external contact. */
import type { CustomerProfile } from '@careloop/shared';
import { useEffect, useState } from 'react';
import { describeError } from '../api/errors';
import { customerDisplayName, KIND_LABELS } from '../labels';
import { api } from '../shell/runtime';

const SEARCH_DELAY_MS = 250;

interface Results {
  query: string;
  items: CustomerProfile[];
}

export function ContactPicker({
  current,
  onChoose,
  onError,
}: {
  current: CustomerProfile | null;
  onChoose(customer: CustomerProfile): void;
  onError(message: string | null): void;
}) {
  const [query, setQuery] = useState('');
  const [results, setResults] = useState<Results | null>(null);
  const [searching, setSearching] = useState(false);
  const trimmed = query.trim();

  useEffect(() => {
    if (!trimmed) {
      setSearching(false);
      return;
    }
    let active = true;
    setSearching(true);
    const timer = setTimeout(() => {
      api.searchCustomers(trimmed, 20).then(
        (list) => {
          if (!active) return;
          setResults({ query: trimmed, items: list.items });
          setSearching(false);
        },
        (reason: unknown) => {
          if (!active) return;
          setSearching(false);
          onError(`搜索客户失败：${describeError(reason)} (Customer search failed)`);
        },
      );
    }, SEARCH_DELAY_MS);
    return () => {
      active = false;
      clearTimeout(timer);
    };
  }, [trimmed, onError]);

  // Only results for what is in the box now: a stale list must never be clickable.
  const shown = results && results.query === trimmed ? results.items : null;

  return (
    <div className="picker">
      <div className="emulated__row">
        <label className="emulated__label" htmlFor="contact-search" title="Contact">
          客户
        </label>
        <input
          id="contact-search"
          className="picker__input"
          data-testid="contact-search"
          type="search"
          autoComplete="off"
          placeholder="搜索客户姓名 Search customers"
          value={query}
          onChange={(event) => setQuery(event.target.value)}
        />
      </div>
      {current ? (
        <div className="picker__current">
          当前聊天对象 Current chat: <strong>{customerDisplayName(current.name)}</strong>
        </div>
      ) : null}
      {trimmed ? (
        <ul className="picker__results" aria-label="搜索结果 Results" aria-busy={searching}>
          {shown === null ? (
            <li className="picker__hint">搜索中… Searching</li>
          ) : shown.length === 0 ? (
            <li className="picker__hint">没有匹配的客户 No matching customers</li>
          ) : (
            shown.map((customer) => (
              <li key={customer.id}>
                <button
                  type="button"
                  className="picker__result"
                  data-testid="contact-result"
                  onClick={() => {
                    onChoose(customer);
                    setQuery('');
                    setResults(null);
                  }}
                >
                  <span className="picker__name">{customerDisplayName(customer.name)}</span>
                  <span className={`kind kind--${customer.kind}`}>{KIND_LABELS[customer.kind]}</span>
                </button>
              </li>
            ))
          )}
        </ul>
      ) : null}
    </div>
  );
}
