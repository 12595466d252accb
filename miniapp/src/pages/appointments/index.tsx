import { Button } from '@nutui/nutui-react-taro';
import { Text, View } from '@tarojs/components';
import Taro, { useDidShow, usePullDownRefresh } from '@tarojs/taro';
import { useCallback, useEffect, useRef, useState } from 'react';
import { bookingApi } from '../../booking/client';
import { localDateTime } from '../../booking/format';
import { BOOK_PAGE, detailPage } from '../../booking/routes';
import { splitAppointments } from '../../booking/status';
import type { Appointment, Loadable } from '../../booking/types';
import AppError from '../../components/AppError';
import AppointmentStatus from '../../components/AppointmentStatus';
import ConsentPrompt from '../../components/ConsentPrompt';
import { errorMessage } from '../../lib/errors';
import { session, useConsent, useSession } from '../../session';
import { hasAcceptedPolicy } from '../../session/consent';
import { usePageView } from '../../tracking';
import './index.scss';

export default function Appointments() {
  usePageView('预约');
  const sessionState = useSession();
  const consentState = useConsent();
  const signedIn = sessionState.status === 'signed-in';
  const accepted = hasAcceptedPolicy(consentState);
  const ready = signedIn && accepted;
  const [list, setList] = useState<Loadable<Appointment[]>>({ status: 'idle' });
  const loading = useRef(false);

  const load = useCallback(async () => {
    if (loading.current) return;
    loading.current = true;
    setList((current) => (current.status === 'ready' ? current : { status: 'loading' }));
    try {
      setList({ status: 'ready', value: await bookingApi.appointments() });
    } catch (error) {
      setList({ status: 'error', message: errorMessage(error) });
    } finally {
      loading.current = false;
    }
  }, []);

  // Signed in and consented (at launch, or after accepting here): load; and each time the tab is shown again.
  useEffect(() => {
    if (ready) void load();
  }, [ready, load]);
  useDidShow(() => {
    if (ready) void load();
  });
  usePullDownRefresh(() => {
    void (ready ? load() : Promise.resolve()).finally(() => Taro.stopPullDownRefresh());
  });

  return (
    <View className="page appointments">
      <View className="appointments-hero">
        <View className="appointments-hero__text">
          <Text className="appointments-hero__title">在线预约</Text>
          <Text className="appointments-hero__subtitle">选择门店、项目和时间，到店出示二维码即可签到</Text>
        </View>
        <Button
          className="book-start"
          type="primary"
          disabled={!ready}
          onClick={() => void Taro.navigateTo({ url: BOOK_PAGE })}
        >
          立即预约
        </Button>
      </View>

      {sessionState.status === 'error' ? (
        <AppError title="登录失败" message={sessionState.message} onRetry={() => void session.retry()} />
      ) : !signedIn || consentState.status === 'loading' || consentState.status === 'unknown' ? (
        <View className="appointments-note app-loading">
          <Text>正在加载…</Text>
        </View>
      ) : !accepted ? (
        <View className="appointments-consent">
          <ConsentPrompt variant="inline" />
        </View>
      ) : (
        <AppointmentList list={list} onRetry={() => void load()} />
      )}
    </View>
  );
}

function AppointmentList({ list, onRetry }: { list: Loadable<Appointment[]>; onRetry(): void }) {
  if (list.status === 'error') return <AppError title="预约加载失败" message={list.message} onRetry={onRetry} />;
  if (list.status !== 'ready') {
    return (
      <View className="appointments-note app-loading">
        <Text>正在加载预约…</Text>
      </View>
    );
  }
  if (list.value.length === 0) {
    return (
      <View className="appointments-note appointments-empty">
        <Text>还没有预约，点击「立即预约」选择时间</Text>
      </View>
    );
  }
  const { upcoming, past } = splitAppointments(list.value, Date.now());
  return (
    <View className="appointments-list">
      {upcoming.length > 0 && <Section title="即将到来" items={upcoming} />}
      {past.length > 0 && <Section title="过往预约" items={past} />}
    </View>
  );
}

function Section({ title, items }: { title: string; items: Appointment[] }) {
  return (
    <View className="appointments-section">
      <Text className="appointments-section__title">{title}</Text>
      {items.map((appointment) => (
        <View
          key={appointment.id}
          className="appointment-item"
          data-id={appointment.id}
          onClick={() => void Taro.navigateTo({ url: detailPage(appointment.id) })}
        >
          <View className="appointment-item__body">
            <Text className="appointment-item__time">{localDateTime(appointment.local)}</Text>
            <Text className="appointment-item__service">{appointment.service.name}</Text>
            <Text className="appointment-item__clinic">{appointment.clinic.name}</Text>
          </View>
          <AppointmentStatus status={appointment.status} />
        </View>
      ))}
    </View>
  );
}
