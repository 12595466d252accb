import { Button, Dialog, Popup, Toast } from '@nutui/nutui-react-taro';
import { Text, View } from '@tarojs/components';
import { useDidShow, useRouter } from '@tarojs/taro';
import { useEffect, useRef, useState } from 'react';
import { bookingApi } from '../../../../booking/client';
import { createDepositPayment } from '../../../../booking/deposit';
import {
  createAppointmentDetail,
  type AppointmentDetail,
  type AppointmentDetailState,
} from '../../../../booking/detail';
import { formatFen, localDateTime, localZoneNote, refundRuleText } from '../../../../booking/format';
import { canCancel, canReschedule, depositStatusText, showsCheckInCode } from '../../../../booking/status';
import type { Appointment } from '../../../../booking/types';
import { useStore } from '../../../../booking/useStore';
import AppError from '../../../../components/AppError';
import AppointmentStatus from '../../../../components/AppointmentStatus';
import QrCode from '../../../../components/QrCode';
import { platform } from '../../../../platform';
import SandboxPaySheet from '../../../../platform/SandboxPaySheet';
import { usePageView } from '../../../../tracking';
import DepositPanel from '../../components/DepositPanel';
import Gate from '../../../../components/Gate';
import SlotChooser from '../../components/SlotChooser';
import '../../booking.scss';
import './index.scss';

export default function DetailPage() {
  usePageView('预约详情');
  const { params } = useRouter();
  const id = params.id ?? '';
  return (
    <View className="page appointment-detail">
      <Gate>{id ? <Detail id={id} /> : <AppError title="找不到这个预约" message="链接缺少预约编号" />}</Gate>
      <SandboxPaySheet />
    </View>
  );
}

function Detail({ id }: { id: string }) {
  const [detail] = useState(() => createAppointmentDetail({ api: bookingApi, id }));
  const state = useStore(detail);
  const shown = useRef(false);
  useEffect(() => {
    void detail.load();
  }, [detail]);
  // Coming back to the page (e.g. after a payment elsewhere): refresh.
  useDidShow(() => {
    if (shown.current) void detail.load();
    shown.current = true;
  });

  const { appointment } = state;
  if (appointment.status === 'error') {
    return <AppError title="预约加载失败" message={appointment.message} onRetry={() => void detail.load()} />;
  }
  if (appointment.status !== 'ready') return <Text className="booking-note app-loading">正在加载预约…</Text>;
  const value = appointment.value;

  return (
    <View className="detail">
      <Header appointment={value} />
      {value.status === 'held' && value.paymentId && (
        <HeldDeposit key={`${value.id}:${value.paymentId}`} appointment={value} detail={detail} />
      )}
      {showsCheckInCode(value.status) && (
        <View className="detail-card detail-qr">
          <QrCode className="appointment-qr" text={value.checkInCode} />
          <Text className="detail-qr__hint">到店后向前台出示此二维码签到</Text>
          <Text className="detail-qr__code">签到码 {value.checkInCode}</Text>
        </View>
      )}
      <Facts state={state} appointment={value} />
      <Actions state={state} appointment={value} detail={detail} />
      <CancelDialog state={state} detail={detail} />
      <ReschedulePopup state={state} detail={detail} />
      <Toast
        className="detail-toast"
        visible={state.toast !== null}
        content={state.toast?.text ?? ''}
        contentClassName={`detail-toast--${state.toast?.kind ?? 'success'}`}
        onClose={() => detail.clearToast()}
      />
    </View>
  );
}

function Header({ appointment }: { appointment: Appointment }) {
  const zone = localZoneNote(appointment.local);
  return (
    <View className="detail-card detail-header">
      <View className="detail-header__top">
        <Text className="detail-header__service">{appointment.service.name}</Text>
        <AppointmentStatus status={appointment.status} />
      </View>
      <Text className="detail-header__time appointment-time">{localDateTime(appointment.local, { year: true })}</Text>
      {zone && <Text className="detail-header__zone">{zone}</Text>}
      <Text className="detail-header__clinic">{appointment.clinic.name}</Text>
    </View>
  );
}

/** A held appointment's deposit, payable here until the hold runs out. */
function HeldDeposit({ appointment, detail }: { appointment: Appointment; detail: AppointmentDetail }) {
  const [deposit] = useState(() =>
    createDepositPayment({
      api: bookingApi,
      requestPayment: (params, order) => platform.requestPayment(params, order),
      appointment,
    }),
  );
  useEffect(() => {
    const unsubscribe = deposit.subscribe(() => {
      const { status, appointment: latest } = deposit.getState();
      if (status === 'paid') detail.replace(latest);
    });
    return () => {
      unsubscribe();
      deposit.dispose();
    };
  }, [deposit, detail]);
  return (
    <DepositPanel deposit={deposit} expiredAction={{ label: '刷新预约状态', onClick: () => void detail.load() }} />
  );
}

function Facts({ state, appointment }: { state: AppointmentDetailState; appointment: Appointment }) {
  const rule = state.service ? refundRuleText(state.service) : null;
  return (
    <View className="detail-card booking-summary">
      <Row label="门店" value={appointment.clinic.name} />
      <Row label="项目" value={appointment.service.name} />
      <Row label="时间" value={localDateTime(appointment.local)} />
      <Row label="定金" value={depositStatusText(appointment, state.payment)} className="appointment-deposit" />
      {rule && appointment.depositFen > 0 && <Row label="退款规则" value={rule} />}
      {appointment.status === 'cancelled' && appointment.depositFen > 0 && appointment.refundFen !== null && (
        <Row
          label="退款"
          value={appointment.refundFen > 0 ? `退还 ${formatFen(appointment.refundFen)}` : '不退还定金'}
          className="appointment-refund"
        />
      )}
      {appointment.note && <Row label="备注" value={appointment.note} />}
    </View>
  );
}

function Row({ label, value, className }: { label: string; value: string; className?: string }) {
  return (
    <View className={`booking-summary__row ${className ?? ''}`}>
      <Text className="booking-summary__label">{label}</Text>
      <Text className="booking-summary__value">{value}</Text>
    </View>
  );
}

function Actions({
  state,
  appointment,
  detail,
}: {
  state: AppointmentDetailState;
  appointment: Appointment;
  detail: AppointmentDetail;
}) {
  const cancellable = canCancel(appointment.status);
  const movable = canReschedule(appointment.status);
  if (!cancellable && !movable) return null;
  return (
    <View className="detail-actions">
      {movable && (
        <Button className="appointment-reschedule" block fill="outline" onClick={() => void detail.openReschedule()}>
          改约
        </Button>
      )}
      {cancellable && (
        <Button
          className="appointment-cancel"
          block
          type="danger"
          fill="outline"
          loading={state.cancel.step === 'quoting'}
          onClick={() => void detail.startCancel()}
        >
          取消预约
        </Button>
      )}
      {state.cancel.step === 'error' && <Text className="detail-problem">{state.cancel.message}</Text>}
    </View>
  );
}

function CancelDialog({ state, detail }: { state: AppointmentDetailState; detail: AppointmentDetail }) {
  const { cancel } = state;
  const open = cancel.step === 'confirm' || cancel.step === 'cancelling';
  return (
    <Dialog
      className="cancel-dialog"
      visible={open}
      title="取消这个预约？"
      closeOnOverlayClick={false}
      onClose={() => detail.dismissCancel()}
      footer={
        <View className="cancel-dialog__actions">
          <Button
            className="cancel-keep"
            disabled={cancel.step === 'cancelling'}
            onClick={() => detail.dismissCancel()}
          >
            再想想
          </Button>
          <Button
            className="cancel-confirm"
            type="danger"
            loading={cancel.step === 'cancelling'}
            onClick={() => void detail.confirmCancel()}
          >
            确认取消
          </Button>
        </View>
      }
    >
      {open && <Text className="cancel-refund">{cancel.text}</Text>}
    </Dialog>
  );
}

function ReschedulePopup({ state, detail }: { state: AppointmentDetailState; detail: AppointmentDetail }) {
  const { reschedule } = state;
  const open = reschedule.step !== 'closed';
  return (
    <Popup
      className="reschedule-popup"
      visible={open}
      position="bottom"
      round
      title="改约到其他时间"
      closeable
      onClose={() => detail.closeReschedule()}
    >
      {open && (
        <View className="reschedule">
          {reschedule.notice && (
            <Text className={`book-notice book-notice--${reschedule.notice.kind}`}>{reschedule.notice.message}</Text>
          )}
          <SlotChooser
            picker={reschedule.picker}
            selectedSlotId={reschedule.slot?.id}
            disabled={reschedule.step === 'saving'}
            onDate={(date) => void detail.chooseRescheduleDate(date)}
            onSlot={(id) => detail.chooseRescheduleSlot(id)}
            onRetry={() => {
              const date = reschedule.picker.date;
              if (date) void detail.chooseRescheduleDate(date);
            }}
          />
          <Button
            className="reschedule-confirm"
            type="primary"
            block
            disabled={!reschedule.slot}
            loading={reschedule.step === 'saving'}
            onClick={() => void detail.confirmReschedule()}
          >
            {reschedule.slot ? `改约到 ${localDateTime(reschedule.slot.local)}` : '请选择新的时间'}
          </Button>
        </View>
      )}
    </Popup>
  );
}
