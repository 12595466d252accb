/**
 * Picking a free slot of one service at one clinic: the next 14 clinic-local dates, and the free slots of the
 * chosen one. Used to book and to reschedule. Answers to an older request (the customer tapped another date
 * meanwhile) are dropped.
 */
import { errorMessage } from '../lib/errors';
import type { BookingApi } from './api';
import { bookingDates, clinicToday, type BookingDate } from './dates';
import { periodOfDay } from './format';
import { createState, type Store } from './store';
import type { FreeSlot, Loadable } from './types';

export interface SlotPickerState {
  dates: BookingDate[];
  date: string | null;
  slots: Loadable<FreeSlot[]>;
}

export interface SlotPicker extends Store<SlotPickerState> {
  /** Shows the free slots of a date (one of `dates`). */
  chooseDate(date: string): Promise<void>;
  /** Asks again for the chosen date (after a slot was just taken, or an error). */
  reload(): Promise<void>;
  /** The slot with this id among those shown, or null. */
  slot(id: string): FreeSlot | null;
}

export interface SlotPickerOptions {
  api: Pick<BookingApi, 'slots'>;
  clinic: { id: string; timeZone: string };
  serviceId: string;
  now?: () => Date;
  /** Leave out slots (e.g. the one the appointment already has when rescheduling). */
  exclude?: (slot: FreeSlot) => boolean;
}

export function createSlotPicker({
  api,
  clinic,
  serviceId,
  now = () => new Date(),
  exclude,
}: SlotPickerOptions): SlotPicker {
  const state = createState<SlotPickerState>({
    dates: bookingDates(clinicToday(clinic.timeZone, now())),
    date: null,
    slots: { status: 'idle' },
  });
  let request = 0;

  async function load(date: string) {
    const mine = ++request;
    state.set({ date, slots: { status: 'loading' } });
    try {
      const slots = await api.slots(clinic.id, serviceId, date);
      if (mine !== request) return;
      // The clinic's own date: a slot of another date (never expected) is not shown under this one.
      const shown = slots.filter((slot) => slot.local.date === date && !(exclude?.(slot) ?? false));
      state.set({ slots: { status: 'ready', value: shown } });
    } catch (error) {
      if (mine !== request) return;
      state.set({ slots: { status: 'error', message: errorMessage(error) } });
    }
  }

  return {
    getState: state.getState,
    subscribe: state.subscribe,
    chooseDate: load,
    async reload() {
      const { date } = state.getState();
      if (date) await load(date);
    },
    slot(id) {
      const { slots } = state.getState();
      return slots.status === 'ready' ? (slots.value.find((slot) => slot.id === id) ?? null) : null;
    },
  };
}

export interface SlotGroup {
  period: '上午' | '下午' | '晚上';
  slots: FreeSlot[];
}

/** Slots by part of the day, in time order (clinic-local "HH:mm" strings sort as times). */
export function groupSlots(slots: readonly FreeSlot[]): SlotGroup[] {
  const groups: SlotGroup[] = [];
  const sorted = [...slots].sort((a, b) => (a.local.time < b.local.time ? -1 : a.local.time > b.local.time ? 1 : 0));
  for (const slot of sorted) {
    const period = periodOfDay(slot.local.time);
    const last = groups[groups.length - 1];
    if (last?.period === period) last.slots.push(slot);
    else groups.push({ period, slots: [slot] });
  }
  return groups;
}
