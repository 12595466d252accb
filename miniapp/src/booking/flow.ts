/**
 * The booking flow as plain TypeScript: clinic → service → date and free slot → confirm (with an optional note) →
 * pay the deposit when the service has one → confirmed. The page draws `getState()` and calls the actions; every
 * rule (what a slot taken a moment ago, an overlap or an expired hold does) lives here.
 */
import { errorMessage } from '../lib/errors';
import type { BookingApi } from './api';
import type { DepositPayment } from './deposit';
import { bookingProblem, type BookingProblem } from './errors';
import { createSlotPicker, type SlotPicker, type SlotPickerState } from './slotPicker';
import { createState, type Store } from './store';
import type { Appointment, BookableService, Clinic, FreeSlot, Loadable } from './types';

export type BookingStep = 'clinic' | 'service' | 'time' | 'confirm' | 'pay' | 'done';

export const NOTE_MAX_LENGTH = 200;

export type BookingNotice = BookingProblem | { kind: 'hold-expired'; message: string };

export interface BookingState {
  step: BookingStep;
  clinics: Loadable<Clinic[]>;
  clinic: Clinic | null;
  services: Loadable<BookableService[]>;
  service: BookableService | null;
  /** Dates and free slots of the chosen service (null before a service is chosen). */
  picker: SlotPickerState | null;
  slot: FreeSlot | null;
  note: string;
  submitting: boolean;
  /** Why the customer is back at an earlier step, or what went wrong. */
  notice: BookingNotice | null;
  /** The booked appointment (held until its deposit is paid, or confirmed). */
  appointment: Appointment | null;
  /** Paying the deposit of a held appointment (the `pay` step). */
  deposit: DepositPayment | null;
}

export interface BookingFlow extends Store<BookingState> {
  /** Loads the clinics. Never rejects. */
  start(): Promise<void>;
  chooseClinic(clinicId: string): Promise<void>;
  /** Chooses the service and shows the free slots of the first bookable date. */
  chooseService(serviceId: string): Promise<void>;
  chooseDate(date: string): Promise<void>;
  chooseSlot(slotId: string): void;
  setNote(note: string): void;
  /** Back to an earlier step (the choices made there are kept until changed). */
  goTo(step: Exclude<BookingStep, 'pay' | 'done'>): void;
  /** One step back; false when there is none (leave the page). */
  back(): boolean;
  /** Books the chosen slot. Never rejects: problems become the notice. */
  submit(): Promise<void>;
  /** Shows the chosen date's free slots again. */
  reloadSlots(): Promise<void>;
  /** After the hold ran out: back to the free slots of the same date. */
  chooseAgain(): Promise<void>;
  dismissNotice(): void;
  dispose(): void;
}

export interface BookingFlowOptions {
  api: Pick<BookingApi, 'clinics' | 'services' | 'slots' | 'book'>;
  /** The deposit payment of a held appointment (with the platform's payment sheet). */
  createDeposit(appointment: Appointment): DepositPayment;
  now?: () => Date;
}

const EARLIER: Record<BookingStep, BookingStep | null> = {
  clinic: null,
  service: 'clinic',
  time: 'service',
  confirm: 'time',
  pay: null,
  done: null,
};

export function createBookingFlow({ api, createDeposit, now }: BookingFlowOptions): BookingFlow {
  const state = createState<BookingState>({
    step: 'clinic',
    clinics: { status: 'idle' },
    clinic: null,
    services: { status: 'idle' },
    service: null,
    picker: null,
    slot: null,
    note: '',
    submitting: false,
    notice: null,
    appointment: null,
    deposit: null,
  });
  let picker: SlotPicker | null = null;
  let unsubscribePicker: (() => void) | null = null;
  let unsubscribeDeposit: (() => void) | null = null;
  let servicesRequest = 0;

  function setPicker(next: SlotPicker | null) {
    unsubscribePicker?.();
    picker = next;
    unsubscribePicker = next ? next.subscribe(() => state.set({ picker: next.getState() })) : null;
    state.set({ picker: next?.getState() ?? null });
  }

  function watchDeposit(deposit: DepositPayment) {
    unsubscribeDeposit?.();
    unsubscribeDeposit = deposit.subscribe(() => {
      const { status, appointment } = deposit.getState();
      if (status === 'paid') state.set({ step: 'done', appointment });
      else state.set({ appointment });
    });
  }

  async function loadClinics() {
    state.set({ clinics: { status: 'loading' } });
    try {
      state.set({ clinics: { status: 'ready', value: await api.clinics() } });
    } catch (error) {
      state.set({ clinics: { status: 'error', message: errorMessage(error) } });
    }
  }

  async function loadServices(clinicId: string) {
    const mine = ++servicesRequest;
    state.set({ services: { status: 'loading' } });
    try {
      const services = await api.services(clinicId);
      if (mine === servicesRequest) state.set({ services: { status: 'ready', value: services } });
    } catch (error) {
      if (mine === servicesRequest) state.set({ services: { status: 'error', message: errorMessage(error) } });
    }
  }

  function editable(): boolean {
    const { step, submitting } = state.getState();
    return !submitting && step !== 'pay' && step !== 'done';
  }

  async function backToSlots(notice: BookingNotice) {
    state.set({ step: 'time', slot: null, notice });
    await picker?.reload();
  }

  return {
    getState: state.getState,
    subscribe: state.subscribe,
    start: loadClinics,
    async chooseClinic(clinicId) {
      if (!editable()) return;
      const { clinics, clinic: current } = state.getState();
      const clinic = clinics.status === 'ready' ? clinics.value.find((c) => c.id === clinicId) : undefined;
      if (!clinic) return;
      if (current?.id === clinic.id && state.getState().services.status === 'ready') {
        state.set({ step: 'service', notice: null });
        return;
      }
      setPicker(null);
      state.set({ clinic, service: null, slot: null, step: 'service', notice: null });
      await loadServices(clinic.id);
    },
    async chooseService(serviceId) {
      if (!editable()) return;
      const { services, clinic, service: current } = state.getState();
      const service = services.status === 'ready' ? services.value.find((s) => s.id === serviceId) : undefined;
      if (!service || !clinic) return;
      state.set({ step: 'time', notice: null });
      if (current?.id === service.id && picker) return;
      const next = createSlotPicker({ api, clinic, serviceId: service.id, now });
      setPicker(next);
      state.set({ service, slot: null });
      const first = next.getState().dates[0];
      if (first) await next.chooseDate(first.date);
    },
    async chooseDate(date) {
      if (!editable() || !picker) return;
      state.set({ slot: null, notice: null });
      await picker.chooseDate(date);
    },
    chooseSlot(slotId) {
      if (!editable() || !picker) return;
      const slot = picker.slot(slotId);
      if (!slot) return;
      state.set({ slot, step: 'confirm', notice: null });
    },
    setNote(note) {
      state.set({ note: Array.from(note).slice(0, NOTE_MAX_LENGTH).join('') });
    },
    goTo(step) {
      if (!editable()) return;
      const { clinic, service, slot } = state.getState();
      const reachable =
        step === 'clinic' ||
        (step === 'service' && clinic) ||
        (step === 'time' && service && picker) ||
        (step === 'confirm' && slot);
      if (reachable) state.set({ step, notice: null });
    },
    back() {
      const { step } = state.getState();
      const earlier = EARLIER[step];
      if (!earlier || !editable()) return false;
      state.set({ step: earlier, notice: null });
      return true;
    },
    async submit() {
      const { slot, service, note, step, submitting } = state.getState();
      if (step !== 'confirm' || submitting || !slot || !service) return;
      state.set({ submitting: true, notice: null });
      try {
        const appointment = await api.book({ slotId: slot.id, serviceId: service.id, note: note.trim() });
        if (appointment.status === 'held' && appointment.paymentId) {
          const deposit = createDeposit(appointment);
          watchDeposit(deposit);
          state.set({ submitting: false, appointment, deposit, step: 'pay' });
        } else {
          state.set({ submitting: false, appointment, step: 'done' });
        }
      } catch (error) {
        const problem = bookingProblem(error);
        state.set({ submitting: false });
        if (problem.kind === 'error') state.set({ notice: problem });
        else await backToSlots(problem);
      }
    },
    reloadSlots: async () => {
      await picker?.reload();
    },
    async chooseAgain() {
      const { step, deposit } = state.getState();
      if (step !== 'pay') return;
      deposit?.dispose();
      unsubscribeDeposit?.();
      unsubscribeDeposit = null;
      state.set({ deposit: null, appointment: null });
      await backToSlots({ kind: 'hold-expired', message: '上一个预约因未按时支付已取消，请重新选择时间' });
    },
    dismissNotice() {
      state.set({ notice: null });
    },
    dispose() {
      unsubscribePicker?.();
      unsubscribeDeposit?.();
      state.getState().deposit?.dispose();
    },
  };
}
