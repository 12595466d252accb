/**
 * One of my appointments: its details with the deposit's state and the service's refund rule, cancelling (the
 * refund that will apply is shown first, from the server's quote) and rescheduling to another free slot of the
 * same service.
 */
import { errorMessage } from '../lib/errors';
import type { BookingApi } from './api';
import { bookingProblem, type BookingProblem } from './errors';
import { cancellationRefundText, formatFen, monthDay } from './format';
import { createSlotPicker, type SlotPicker, type SlotPickerState } from './slotPicker';
import { canCancel, canReschedule } from './status';
import { createState, type Store } from './store';
import type { Appointment, BookableService, FreeSlot, Loadable, PaymentView } from './types';

export type CancelStep =
  | { step: 'idle' }
  | { step: 'quoting' }
  /** The refund that will apply is shown; waiting for the customer to confirm. */
  | { step: 'confirm'; refundFen: number; text: string }
  | { step: 'cancelling'; refundFen: number; text: string }
  | { step: 'error'; message: string };

export type RescheduleStep =
  | { step: 'closed' }
  | { step: 'choosing'; picker: SlotPickerState; slot: FreeSlot | null; notice: BookingProblem | null }
  | { step: 'saving'; picker: SlotPickerState; slot: FreeSlot; notice: null };

export interface AppointmentDetailState {
  appointment: Loadable<Appointment>;
  /** The deposit's payment order (null without a deposit, or while it could not be loaded). */
  payment: PaymentView | null;
  /** The booked service with its refund rule (null when the clinic no longer offers it). */
  service: BookableService | null;
  cancel: CancelStep;
  reschedule: RescheduleStep;
  /** A short message for a toast after an action ("已取消…"). */
  toast: { text: string; kind: 'success' | 'fail' } | null;
}

export interface AppointmentDetail extends Store<AppointmentDetailState> {
  /** Loads (again) the appointment, its payment and its service. Never rejects. */
  load(): Promise<void>;
  /** The appointment changed elsewhere (its deposit was paid here): show it. */
  replace(appointment: Appointment): void;
  startCancel(): Promise<void>;
  confirmCancel(): Promise<void>;
  dismissCancel(): void;
  openReschedule(): Promise<void>;
  chooseRescheduleDate(date: string): Promise<void>;
  chooseRescheduleSlot(slotId: string): void;
  confirmReschedule(): Promise<void>;
  closeReschedule(): void;
  clearToast(): void;
}

export interface AppointmentDetailOptions {
  api: Pick<
    BookingApi,
    'appointment' | 'payment' | 'services' | 'cancellationQuote' | 'cancel' | 'reschedule' | 'slots'
  >;
  id: string;
  now?: () => Date;
}

export function createAppointmentDetail({ api, id, now }: AppointmentDetailOptions): AppointmentDetail {
  const state = createState<AppointmentDetailState>({
    appointment: { status: 'idle' },
    payment: null,
    service: null,
    cancel: { step: 'idle' },
    reschedule: { step: 'closed' },
    toast: null,
  });
  let picker: SlotPicker | null = null;
  let unsubscribePicker: (() => void) | null = null;

  function current(): Appointment | null {
    const { appointment } = state.getState();
    return appointment.status === 'ready' ? appointment.value : null;
  }

  async function loadExtras(appointment: Appointment) {
    const [payment, services] = await Promise.all([
      appointment.paymentId ? api.payment(appointment.paymentId).catch(() => null) : Promise.resolve(null),
      api.services(appointment.clinic.id).catch(() => null),
    ]);
    state.set({
      payment,
      service: services?.find((service) => service.id === appointment.service.id) ?? state.getState().service,
    });
  }

  async function load() {
    if (state.getState().appointment.status !== 'ready') state.set({ appointment: { status: 'loading' } });
    try {
      const appointment = await api.appointment(id);
      state.set({ appointment: { status: 'ready', value: appointment } });
      await loadExtras(appointment);
    } catch (error) {
      if (state.getState().appointment.status === 'ready') {
        state.set({ toast: { text: `刷新失败：${errorMessage(error)}`, kind: 'fail' } });
      } else state.set({ appointment: { status: 'error', message: errorMessage(error) } });
    }
  }

  function closePicker() {
    unsubscribePicker?.();
    unsubscribePicker = null;
    picker = null;
  }

  function choosing(patch: Partial<Extract<RescheduleStep, { step: 'choosing' }>> = {}) {
    const { reschedule } = state.getState();
    if (!picker || reschedule.step === 'closed') return;
    state.set({
      reschedule: {
        step: 'choosing',
        picker: picker.getState(),
        slot: reschedule.step === 'choosing' ? reschedule.slot : null,
        notice: reschedule.step === 'choosing' ? reschedule.notice : null,
        ...patch,
      },
    });
  }

  return {
    getState: state.getState,
    subscribe: state.subscribe,
    load,
    replace(appointment) {
      state.set({ appointment: { status: 'ready', value: appointment } });
      void loadExtras(appointment);
    },
    async startCancel() {
      const appointment = current();
      if (!appointment || !canCancel(appointment.status) || state.getState().cancel.step !== 'idle') return;
      state.set({ cancel: { step: 'quoting' } });
      try {
        const { refundFen } = await api.cancellationQuote(appointment.id);
        const paymentStatus = state.getState().payment?.status;
        const text = cancellationRefundText({
          refundFen,
          depositFen: appointment.depositFen,
          depositPaid: appointment.status !== 'held' && paymentStatus !== 'created',
          fullRefundHoursBefore: state.getState().service?.fullRefundHoursBefore,
        });
        state.set({ cancel: { step: 'confirm', refundFen, text } });
      } catch (error) {
        state.set({ cancel: { step: 'error', message: `暂时无法取消：${errorMessage(error)}` } });
      }
    },
    async confirmCancel() {
      const { cancel } = state.getState();
      const appointment = current();
      if (cancel.step !== 'confirm' || !appointment) return;
      state.set({ cancel: { ...cancel, step: 'cancelling' } });
      try {
        const result = await api.cancel(appointment.id);
        state.set({
          cancel: { step: 'idle' },
          appointment: { status: 'ready', value: result.appointment },
          toast: {
            text: result.refundFen > 0 ? `预约已取消，定金 ${formatFen(result.refundFen)} 将原路退还` : '预约已取消',
            kind: 'success',
          },
        });
        await loadExtras(result.appointment);
      } catch (error) {
        state.set({ cancel: { step: 'error', message: `取消失败：${bookingProblem(error).message}` } });
        await load();
      }
    },
    dismissCancel() {
      if (state.getState().cancel.step !== 'cancelling') state.set({ cancel: { step: 'idle' } });
    },
    async openReschedule() {
      const appointment = current();
      if (!appointment || !canReschedule(appointment.status)) return;
      closePicker();
      const next = createSlotPicker({
        api,
        clinic: appointment.clinic,
        serviceId: appointment.service.id,
        now,
        // The slot it already has is not "another" slot.
        exclude: (slot) => slot.startsAt === appointment.startsAt && slot.doctor.id === appointment.doctorStaffId,
      });
      picker = next;
      unsubscribePicker = next.subscribe(() => choosing());
      state.set({ reschedule: { step: 'choosing', picker: next.getState(), slot: null, notice: null } });
      const dates = next.getState().dates;
      const start = dates.find((d) => d.date === appointment.local.date) ?? dates[0];
      if (start) await next.chooseDate(start.date);
    },
    async chooseRescheduleDate(date) {
      if (state.getState().reschedule.step !== 'choosing' || !picker) return;
      choosing({ slot: null, notice: null });
      await picker.chooseDate(date);
    },
    chooseRescheduleSlot(slotId) {
      if (state.getState().reschedule.step !== 'choosing' || !picker) return;
      const slot = picker.slot(slotId);
      if (slot) choosing({ slot, notice: null });
    },
    async confirmReschedule() {
      const { reschedule } = state.getState();
      const appointment = current();
      if (reschedule.step !== 'choosing' || !reschedule.slot || !appointment || !picker) return;
      const slot = reschedule.slot;
      state.set({ reschedule: { step: 'saving', picker: reschedule.picker, slot, notice: null } });
      try {
        const moved = await api.reschedule(appointment.id, slot.id);
        closePicker();
        state.set({
          reschedule: { step: 'closed' },
          appointment: { status: 'ready', value: moved },
          toast: { text: `已改约到 ${monthDay(slot.local.date)} ${slot.local.time}`, kind: 'success' },
        });
      } catch (error) {
        const problem = bookingProblem(error);
        choosing({ slot: null, notice: problem });
        if (problem.kind === 'slot-full' || problem.kind === 'slot-unavailable') await picker?.reload();
      }
    },
    closeReschedule() {
      if (state.getState().reschedule.step === 'saving') return;
      closePicker();
      state.set({ reschedule: { step: 'closed' } });
    },
    clearToast() {
      state.set({ toast: null });
    },
  };
}
