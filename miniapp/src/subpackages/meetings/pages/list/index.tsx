import { Button } from '@nutui/nutui-react-taro';
import { Text, View } from '@tarojs/components';
import Taro, { useDidShow, usePullDownRefresh } from '@tarojs/taro';
import { useCallback, useEffect, useRef, useState } from 'react';
import AppError from '../../../../components/AppError';
import Gate from '../../../../components/Gate';
import { errorMessage } from '../../../../lib/errors';
import { meetingApi } from '../../../../meetings/client';
import { MY_MEETINGS_PAGE, meetingPage } from '../../../../meetings/routes';
import type { CustomerMeetingSummary, Loadable } from '../../../../meetings/types';
import { usePageView } from '../../../../tracking';
import MeetingCard from '../../components/MeetingCard';
import ScanCheckIn from '../../components/ScanCheckIn';
import '../../meetings.scss';

export default function MeetingListPage() {
  usePageView('会议与活动');
  return (
    <View className="page meetings">
      <View className="meetings-hero">
        <Text className="meetings-hero__title">会议与活动</Text>
        <Text className="meetings-hero__subtitle">学术会议与患者活动，在线报名、到场扫码签到</Text>
      </View>
      <Gate>
        <MeetingList />
      </Gate>
    </View>
  );
}

function MeetingList() {
  const [list, setList] = useState<Loadable<CustomerMeetingSummary[]>>({ status: 'idle' });
  const loading = useRef(false);

  const load = useCallback(async () => {
    if (loading.current) return;
    loading.current = true;
    setList((current) => (current.status === 'ready' ? current : { status: 'loading' }));
    try {
      setList({ status: 'ready', value: await meetingApi.list() });
    } catch (error) {
      setList((current) => (current.status === 'ready' ? current : { status: 'error', message: errorMessage(error) }));
    } finally {
      loading.current = false;
    }
  }, []);

  // Mounted (possibly after the page was first shown: signed in meanwhile), and shown again (back from a meeting:
  // places and my registration may have changed).
  useEffect(() => {
    void load();
  }, [load]);
  useDidShow(() => void load());
  usePullDownRefresh(() => {
    void load().finally(() => Taro.stopPullDownRefresh());
  });

  const now = Date.now();
  return (
    <View className="meetings-body">
      <View className="meetings-links">
        <Button
          className="meetings-mine"
          data-testid="open-my-meetings"
          fill="outline"
          onClick={() => void Taro.navigateTo({ url: MY_MEETINGS_PAGE })}
        >
          我的会议
        </Button>
      </View>
      <ScanCheckIn />
      {list.status === 'error' ? (
        <AppError title="会议加载失败" message={list.message} onRetry={() => void load()} />
      ) : list.status !== 'ready' ? (
        <Text className="meetings-note app-loading">正在加载会议…</Text>
      ) : list.value.length === 0 ? (
        <Text className="meetings-note" data-testid="meetings-empty">
          暂时没有可报名的会议和活动
        </Text>
      ) : (
        list.value.map((meeting) => (
          <MeetingCard
            key={meeting.id}
            meeting={meeting}
            now={now}
            onOpen={() => void Taro.navigateTo({ url: meetingPage(meeting.id) })}
          />
        ))
      )}
    </View>
  );
}
