/**
 * What the builder's forms pick from — segments, static tags, coupon templates, staff — each loaded once per page
 * and null until then; a list that failed to load is empty with its error, so the form still works by typing ids.
 */
import { useEffect, useState } from 'react';
import { describeError } from '../api/errors';
import { journeysApi } from './runtime';

export interface Option {
  id: string;
  name: string;
}

export interface JourneyPickers {
  segments: Option[] | null;
  tags: string[] | null;
  coupons: Option[] | null;
  staff: Option[] | null;
  /** The first list that failed, in words. */
  error: string | null;
}

export function useJourneyPickers(enabled: boolean): JourneyPickers {
  const [pickers, setPickers] = useState<JourneyPickers>({
    segments: null,
    tags: null,
    coupons: null,
    staff: null,
    error: null,
  });
  useEffect(() => {
    if (!enabled) return;
    let active = true;
    const load = <K extends 'segments' | 'tags' | 'coupons' | 'staff'>(
      key: K,
      read: () => Promise<NonNullable<JourneyPickers[K]>>,
    ) => {
      read().then(
        (value) => {
          if (active) setPickers((current) => ({ ...current, [key]: value }));
        },
        (reason: unknown) => {
          if (active)
            setPickers((current) => ({ ...current, [key]: [], error: current.error ?? describeError(reason) }));
        },
      );
    };
    load('segments', journeysApi.segments);
    load('tags', journeysApi.tagNames);
    load('coupons', journeysApi.couponTemplates);
    load('staff', journeysApi.staffMembers);
    return () => {
      active = false;
    };
  }, [enabled]);
  return pickers;
}

/** A name for an id from a loaded list, or null. */
export const nameIn = (options: readonly Option[] | null, id: string) =>
  options?.find((option) => option.id === id)?.name ?? null;
