import { Button, TextArea } from '@nutui/nutui-react-taro';
import { Text, View } from '@tarojs/components';
import Taro from '@tarojs/taro';
import { useEffect, useState } from 'react';
import { bookingApi } from '../../../../booking/client';
import { createDepositPayment } from '../../../../booking/deposit';
import { createBookingFlow, NOTE_MAX_LENGTH, type BookingState, type BookingStep } from '../../../../booking/flow';
import {
  depositText,
  durationText,
  formatFen,
  localDateTime,
  localZoneNote,
  refundRuleText,
} from '../../../../booking/format';
import { APPOINTMENTS_TAB, detailPage } from '../../../../booking/routes';
import { useStore } from '../../../../booking/useStore';
import AppError from '../../../../components/AppError';
import AppointmentStatus from '../../../../components/AppointmentStatus';
import { platform } from '../../../../platform';
import { subscribeToAppointmentReminder } from '../../../../booking/reminder';
import { useSubscribeTemplates } from '../../../../subscriptions/useSubscribeTemplates';
import { session } from '../../../../session';
import SandboxPaySheet from '../../../../platform/SandboxPaySheet';
import { usePageView } from '../../../../tracking';
import DepositPanel from '../../components/DepositPanel';
import Gate from '../../../../components/Gate';
import SlotChooser from '../../components/SlotChooser';
import '../../booking.scss';
import './index.scss';

const STEPS: { step: BookingStep; label: string }[] = [
  { step: 'clinic', label: '门店' },
  { step: 'service', label: '项目' },
  { step: 'time', label: '时间' },
  { step: 'confirm', label: '确认' },
  { step: 'pay', label: '支付' },
];

export default function BookPage() {
  usePageView('预约挂号');
  return (
    <View className="page booking">
      <Gate>
        <Booking />
      </Gate>
      <SandboxPaySheet />
    </View>
  );
}

function Booking() {
  const [flow] = useState(() =>
    createBookingFlow({
      api: bookingApi,
      createDeposit: (appointment) =>
        createDepositPayment({
          api: bookingApi,
          requestPayment: (params, order) => platform.requestPayment(params, order),
          appointment,
        }),
    }),
  );
  useEffect(() => {
    void flow.start();
    return () => flow.dispose();
  }, [flow]);
  const state = useStore(flow);

  return (
    <View className="booking-flow">
      <Steps state={state} onGo={(step) => flow.goTo(step)} />
      {state.notice && (
        <View className={`book-notice book-notice--${state.notice.kind}`}>
          <Text>{state.notice.message}</Text>
        </View>
      )}
      {state.step === 'clinic' && (
        <ClinicStep state={state} onChoose={(id) => void flow.chooseClinic(id)} onRetry={() => void flow.start()} />
      )}
      {state.step === 'service' && (
        <ServiceStep
          state={state}
          onChoose={(id) => void flow.chooseService(id)}
          onRetry={() => state.clinic && void flow.chooseClinic(state.clinic.id)}
        />
      )}
      {state.step === 'time' && state.picker && (
        <View className="booking-step">
          <Text className="booking-step__title">选择就诊时间</Text>
          <SlotChooser
            picker={state.picker}
            selectedSlotId={state.slot?.id}
            onDate={(date) => void flow.chooseDate(date)}
            onSlot={(id) => flow.chooseSlot(id)}
            onRetry={() => void flow.reloadSlots()}
          />
        </View>
      )}
      {state.step === 'confirm' && (
        <ConfirmStep state={state} onNote={(note) => flow.setNote(note)} onSubmit={() => void flow.submit()} />
      )}
      {state.step === 'pay' && state.deposit && (
        <View className="booking-step">
          <Text className="booking-step__title">支付定金</Text>
          <Summary state={state} />
          <DepositPanel
            deposit={state.deposit}
            expiredAction={{ label: '重新选择时间', onClick: () => void flow.chooseAgain() }}
          />
        </View>
      )}
      {state.step === 'done' && <DoneStep state={state} />}
    </View>
  );
}

function Steps({ state, onGo }: { state: BookingState; onGo(step: Exclude<BookingStep, 'pay' | 'done'>): void }) {
  const current = STEPS.findIndex((item) => item.step === state.step);
  const locked = state.step === 'pay' || state.step === 'done' || state.submitting;
  return (
    <View className="booking-steps">
      {STEPS.map((item, index) => {
        const reached = state.step === 'done' || index <= current;
        const canGo = !locked && index < current && item.step !== 'pay';
        return (
          <Text
            key={item.step}
            className={`booking-steps__item ${reached ? 'booking-steps__item--reached' : ''} ${
              item.step === state.step ? 'booking-steps__item--current' : ''
            }`}
            onClick={() => canGo && onGo(item.step as Exclude<BookingStep, 'pay' | 'done'>)}
          >
            {item.label}
          </Text>
        );
      })}
    </View>
  );
}

function ClinicStep({
  state,
  onChoose,
  onRetry,
}: {
  state: BookingState;
  onChoose(id: string): void;
  onRetry(): void;
}) {
  const { clinics } = state;
  if (clinics.status === 'error') return <AppError title="门店加载失败" message={clinics.message} onRetry={onRetry} />;
  if (clinics.status !== 'ready') return <Text className="booking-note app-loading">正在加载门店…</Text>;
  if (clinics.value.length === 0) return <Text className="booking-note">暂时没有可预约的门店</Text>;
  return (
    <View className="booking-step">
      <Text className="booking-step__title">选择门店</Text>
      {clinics.value.map((clinic) => (
        <View
          key={clinic.id}
          className={`booking-card book-clinic ${state.clinic?.id === clinic.id ? 'booking-card--active' : ''}`}
          data-clinic-id={clinic.id}
          onClick={() => onChoose(clinic.id)}
        >
          <Text className="booking-card__title">{clinic.name}</Text>
          <Text className="booking-card__meta">{clinic.address}</Text>
        </View>
      ))}
    </View>
  );
}

function ServiceStep({
  state,
  onChoose,
  onRetry,
}: {
  state: BookingState;
  onChoose(id: string): void;
  onRetry(): void;
}) {
  const { services } = state;
  if (services.status === 'error')
    return <AppError title="项目加载失败" message={services.message} onRetry={onRetry} />;
  if (services.status !== 'ready') return <Text className="booking-note app-loading">正在加载项目…</Text>;
  if (services.value.length === 0) return <Text className="booking-note">这家门店暂时没有可预约的项目</Text>;
  return (
    <View className="booking-step">
      <Text className="booking-step__title">选择项目</Text>
      {services.value.map((service) => {
        const rule = refundRuleText(service);
        return (
          <View
            key={service.id}
            className={`booking-card book-service ${state.service?.id === service.id ? 'booking-card--active' : ''}`}
            data-service-id={service.id}
            onClick={() => onChoose(service.id)}
          >
            <Text className="booking-card__title">{service.name}</Text>
            {service.description && <Text className="booking-card__meta">{service.description}</Text>}
            <View className="booking-card__tags">
              <Text className="booking-tag">{durationText(service.durationMinutes)}</Text>
              <Text className={`booking-tag ${service.depositFen > 0 ? 'booking-tag--deposit' : ''}`}>
                {depositText(service)}
              </Text>
            </View>
            {rule && <Text className="booking-card__rule">{rule}</Text>}
          </View>
        );
      })}
    </View>
  );
}

/** What is being booked: clinic, service, clinic-local time, doctor, deposit and refund rule. */
function Summary({ state }: { state: BookingState }) {
  const { clinic, service, slot, appointment } = state;
  const local = appointment?.local ?? slot?.local;
  const zoneNote = local ? localZoneNote(local) : null;
  const rule = service ? refundRuleText(service) : null;
  return (
    <View className="booking-summary">
      <Row label="门店" value={clinic?.name} />
      <Row label="项目" value={service?.name} />
      <Row
        label="时间"
        value={local ? `${localDateTime(local, { year: true })}${zoneNote ? `（${zoneNote}）` : ''}` : undefined}
      />
      <Row label="医生" value={slot?.doctor.name} />
      {service && <Row label="时长" value={durationText(service.durationMinutes)} />}
      {service && <Row label="定金" value={service.depositFen > 0 ? formatFen(service.depositFen) : '无需定金'} />}
      {rule && <Row label="退款规则" value={rule} />}
    </View>
  );
}

function Row({ label, value }: { label: string; value?: string | null }) {
  if (!value) return null;
  return (
    <View className="booking-summary__row">
      <Text className="booking-summary__label">{label}</Text>
      <Text className="booking-summary__value">{value}</Text>
    </View>
  );
}

function ConfirmStep({
  state,
  onNote,
  onSubmit,
}: {
  state: BookingState;
  onNote(note: string): void;
  onSubmit(): void;
}) {
  const deposit = (state.service?.depositFen ?? 0) > 0;
  return (
    <View className="booking-step">
      <Text className="booking-step__title">确认预约</Text>
      <Summary state={state} />
      <View className="booking-note-field">
        <Text className="booking-note-field__label">备注（选填）</Text>
        <TextArea
          className="book-note"
          value={state.note}
          maxLength={NOTE_MAX_LENGTH}
          showCount
          placeholder="例如：牙龈出血、想咨询种植方案"
          onChange={onNote}
        />
      </View>
      <Button className="book-confirm" type="primary" block loading={state.submitting} onClick={onSubmit}>
        {deposit ? '提交预约并支付定金' : '确认预约'}
      </Button>
      {deposit && <Text className="booking-hint">提交后请尽快支付定金，超时未支付预约将自动取消</Text>}
    </View>
  );
}

/** Asks for the reminder subscription: WeChat allows the dialog only from a tap, so it is a button. */
function ReminderButton() {
  const [state, setState] = useState<'idle' | 'asking' | 'on' | 'declined' | 'failed'>('idle');
  // Loaded before the tap: WeChat opens the dialog only straight from one.
  const templates = useSubscribeTemplates(session.api);
  if (!templates?.appointment_reminder) return null;
  const ask = async () => {
    setState('asking');
    try {
      setState((await subscribeToAppointmentReminder(platform, session.api, templates)) ? 'on' : 'declined');
    } catch {
      setState('failed');
    }
  };
  if (state === 'on') return <Text className="booking-hint book-remind-on">已开启到店前提醒</Text>;
  return (
    <View>
      <Button className="book-remind" block loading={state === 'asking'} onClick={() => void ask()}>
        到店前提醒我
      </Button>
      {state === 'declined' && <Text className="booking-hint">未开启提醒，可稍后在「我的 › 消息提醒」中开启。</Text>}
      {state === 'failed' && <Text className="booking-hint">提醒暂时无法开启，请稍后再试。</Text>}
    </View>
  );
}

function DoneStep({ state }: { state: BookingState }) {
  const { appointment } = state;
  if (!appointment) return null;
  return (
    <View className="booking-step booking-done">
      <View className="booking-done__head">
        <Text className="booking-done__title">预约成功</Text>
        <AppointmentStatus status={appointment.status} />
      </View>
      <Summary state={state} />
      <Text className="booking-hint">到店时在「预约」中打开这条预约，向前台出示二维码即可签到。</Text>
      <ReminderButton />
      <Button
        className="book-view-detail"
        type="primary"
        block
        onClick={() => void Taro.redirectTo({ url: detailPage(appointment.id) })}
      >
        查看预约详情
      </Button>
      <Button className="book-back-list" block onClick={() => void Taro.switchTab({ url: APPOINTMENTS_TAB })}>
        返回我的预约
      </Button>
    </View>
  );
}
