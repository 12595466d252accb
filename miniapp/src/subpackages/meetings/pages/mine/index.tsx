import { Button } from '@nutui/nutui-react-taro';
import { Text, View } from '@tarojs/components';
import Taro, { useDidShow, usePullDownRefresh } from '@tarojs/taro';
import { useCallback, useEffect, useRef, useState } from 'react';
import AppError from '../../../../components/AppError';
import Gate from '../../../../components/Gate';
import { errorMessage } from '../../../../lib/errors';
import { meetingApi } from '../../../../meetings/client';
import { meetingProblem, type MeetingProblem } from '../../../../meetings/errors';
import { awaitingPaymentFirst } from '../../../../meetings/fee';
import { MEETING_LIST_PAGE, meetingPage } from '../../../../meetings/routes';
import { showsCheckInCode } from '../../../../meetings/status';
import type { CustomerMeetingSummary, Loadable } from '../../../../meetings/types';
import { usePageView } from '../../../../tracking';
import CheckInCode from '../../components/CheckInCode';
import MeetingCard from '../../components/MeetingCard';
import ScanCheckIn from '../../components/ScanCheckIn';
import '../../meetings.scss';

export default function MyMeetingsPage() {
  usePageView('我的会议');
  return (
    <View className="page meetings-mine">
      <Gate>
        <MyMeetings />
      </Gate>
    </View>
  );
}

function MyMeetings() {
  const [list, setList] = useState<Loadable<CustomerMeetingSummary[]>>({ status: 'idle' });
  const [shown, setShown] = useState<string | null>(null);
  const [again, setAgain] = useState<{ id: string; problem: MeetingProblem | null } | null>(null);
  const loading = useRef(false);

  const load = useCallback(async () => {
    if (loading.current) return;
    loading.current = true;
    setList((current) => (current.status === 'ready' ? current : { status: 'loading' }));
    try {
      // Places held until paid first: their time to pay runs.
      setList({ status: 'ready', value: awaitingPaymentFirst(await meetingApi.mine()) });
    } catch (error) {
      setList((current) => (current.status === 'ready' ? current : { status: 'error', message: errorMessage(error) }));
    } finally {
      loading.current = false;
    }
  }, []);

  /** Signs up again (a held place lapsed, or I cancelled): then the meeting's page shows the new place (and fee). */
  const signUpAgain = async (meeting: CustomerMeetingSummary) => {
    if (again && !again.problem) return; // one at a time
    setAgain({ id: meeting.id, problem: null });
    try {
      await meetingApi.signUp(meeting.id);
      setAgain(null);
      void Taro.navigateTo({ url: meetingPage(meeting.id) });
    } catch (error) {
      const problem = meetingProblem(error, { action: 'sign-up', timeZone: meeting.timeZone });
      setAgain({ id: meeting.id, problem });
      void load();
    }
  };

  useEffect(() => {
    void load();
  }, [load]);
  // Back in front: checked in by staff, promoted from the waitlist, survey answered.
  useDidShow(() => void load());
  usePullDownRefresh(() => {
    void load().finally(() => Taro.stopPullDownRefresh());
  });

  if (list.status === 'error') {
    return <AppError title="加载失败" message={list.message} onRetry={() => void load()} />;
  }
  if (list.status !== 'ready') return <Text className="gate-note app-loading">正在加载我的会议…</Text>;
  const now = Date.now();
  return (
    <View className="meetings-body">
      <ScanCheckIn />
      {list.value.length === 0 ? (
        <View className="meetings-note" data-testid="my-meetings-empty">
          <Text>你还没有报名任何会议或活动</Text>
          <Button
            className="meetings-browse"
            size="small"
            type="primary"
            onClick={() => void Taro.navigateTo({ url: MEETING_LIST_PAGE })}
          >
            去看看
          </Button>
        </View>
      ) : (
        list.value.map((meeting) => {
          const registration = meeting.myRegistration;
          // The survey, once open, is offered on the meeting's page (it knows whether there is one).
          const upcoming = Date.parse(meeting.endsAt) > now && meeting.status === 'published';
          const code = upcoming && showsCheckInCode(registration) ? registration.checkInCode : null;
          const signUpAgainOffered =
            upcoming && Date.parse(meeting.startsAt) > now && registration?.status === 'cancelled';
          const mine = again?.id === meeting.id ? again : null;
          return (
            <MeetingCard
              key={meeting.id}
              meeting={meeting}
              now={now}
              onOpen={() => void Taro.navigateTo({ url: meetingPage(meeting.id) })}
            >
              {code && (
                <View className="meeting-card__actions">
                  <Button
                    size="small"
                    fill="outline"
                    data-testid="mine-show-code"
                    onClick={() => setShown(shown === meeting.id ? null : meeting.id)}
                  >
                    {shown === meeting.id ? '收起签到码' : '出示签到码'}
                  </Button>
                </View>
              )}
              {code && shown === meeting.id && <CheckInCode code={code} />}
              {signUpAgainOffered && (
                <View className="meeting-card__actions">
                  <Button
                    size="small"
                    type="primary"
                    data-testid="mine-sign-up-again"
                    loading={mine !== null && !mine.problem}
                    onClick={() => void signUpAgain(meeting)}
                  >
                    重新报名
                  </Button>
                </View>
              )}
              {mine?.problem && (
                <Text className="meeting-error" data-testid="mine-sign-up-error" data-code={mine.problem.code}>
                  {mine.problem.title}：{mine.problem.message}
                </Text>
              )}
            </MeetingCard>
          );
        })
      )}
    </View>
  );
}
