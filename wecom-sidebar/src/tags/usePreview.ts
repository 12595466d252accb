/**
 * The live count and first page of the customers a rule selects (`POST /api/staff/segments/preview`), asked again
 * shortly after the rule stops changing; the last answer stays on screen while the next one loads.
 */
import { useCallback, useEffect, useRef, useState } from 'react';
import { createPreviewScheduler, type PreviewScheduler } from './preview';
import { explainTagError } from './errors';
import { tagsApi } from './runtime';
import type { RuleCondition, SegmentPreview } from './types';

export const PREVIEW_DELAY_MS = 400;

export interface PreviewState {
  /** idle: no valid rule yet; loading: a request is on its way. */
  status: 'idle' | 'loading' | 'ready' | 'failed';
  data: SegmentPreview | null;
  message: string | null;
}

export function useRulePreview(rule: RuleCondition | null, enabled = true, limit = 20) {
  const [state, setState] = useState<PreviewState>({ status: 'idle', data: null, message: null });
  const scheduler = useRef<PreviewScheduler<RuleCondition> | null>(null);

  useEffect(() => {
    const created = createPreviewScheduler<RuleCondition, SegmentPreview>({
      delayMs: PREVIEW_DELAY_MS,
      run: (next) => tagsApi.preview(next, limit),
      onPending: (pending) =>
        setState((current) =>
          pending
            ? { ...current, status: 'loading', message: null }
            : { status: 'idle', data: current.data, message: null },
        ),
      onResult: (outcome) =>
        setState((current) =>
          outcome.ok
            ? { status: 'ready', data: outcome.data, message: null }
            : { status: 'failed', data: current.data, message: explainTagError(outcome.error, 'preview') },
        ),
    });
    scheduler.current = created;
    return () => {
      created.dispose();
      scheduler.current = null;
    };
  }, [limit]);

  // The rule is compared by its JSON: a new object with the same conditions asks nothing.
  const key = rule && enabled ? JSON.stringify(rule) : null;
  useEffect(() => {
    scheduler.current?.schedule(key ? (JSON.parse(key) as RuleCondition) : null);
  }, [key]);

  const refresh = useCallback(() => scheduler.current?.refresh(), []);
  return { state, refresh };
}
