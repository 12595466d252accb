import { Button } from '@nutui/nutui-react-taro';
import { Text, View } from '@tarojs/components';
import Taro, { useRouter } from '@tarojs/taro';
import { useEffect, useState } from 'react';
import { useStore } from '../../../../booking/useStore';
import AppError from '../../../../components/AppError';
import Gate from '../../../../components/Gate';
import { createCheckIn, type CheckInStore } from '../../../../meetings/checkin';
import { meetingApi } from '../../../../meetings/client';
import { meetingTimeText, placeText, shortDateTimeText } from '../../../../meetings/format';
import { meetingPage } from '../../../../meetings/routes';
import { meetingKeyFromParams } from '../../../../meetings/scene';
import type { CustomerMeeting } from '../../../../meetings/types';
import { usePageView } from '../../../../tracking';
import '../../meetings.scss';
import './index.scss';

export default function CheckInPage() {
  usePageView('会议签到');
  const { params } = useRouter();
  const [key] = useState(() => meetingKeyFromParams(params));
  return (
    <View className="page meeting-checkin">
      {key ? (
        <Gate>
          <CheckIn meetingKey={key} />
        </Gate>
      ) : (
        <AppError title="签到码无效" message="二维码里没有有效的会议编号，请扫描会场张贴的签到码" />
      )}
    </View>
  );
}

function CheckIn({ meetingKey }: { meetingKey: string }) {
  const [store] = useState<CheckInStore>(() => createCheckIn({ api: meetingApi, key: meetingKey }));
  const state = useStore(store);
  // Scanning the venue's code is the request: check in as soon as the page is ready.
  useEffect(() => {
    void store.run();
  }, [store]);

  const { step, meeting } = state;
  if (step.status === 'idle' || step.status === 'loading' || step.status === 'checking-in') {
    return (
      <View className="meetings-body">
        <Text className="meetings-note app-loading" data-testid="checkin-progress">
          {step.status === 'checking-in' ? '正在签到…' : '正在读取会议…'}
        </Text>
      </View>
    );
  }
  if (step.status === 'done') {
    const { result } = step;
    return (
      <View className="meetings-body">
        <View className="checkin-result checkin-result--done" data-testid="checkin-result" data-status="done">
          <Text className="checkin-result__icon">✓</Text>
          <Text className="checkin-result__title" data-testid="checkin-title">
            {result.alreadyCheckedIn ? '你已签到' : '签到成功'}
          </Text>
          <Text className="checkin-result__meeting">{result.meeting.title}</Text>
          {result.registration.checkedInAt && meeting && (
            <Text className="checkin-result__text">
              签到时间 {shortDateTimeText(result.registration.checkedInAt, meeting.timeZone)}
            </Text>
          )}
          <Text className="checkin-result__text">欢迎参会，会后请留意填写会后问卷</Text>
        </View>
        {meeting && <MeetingFacts meeting={meeting} />}
      </View>
    );
  }
  const { problem } = step;
  return (
    <View className="meetings-body">
      <View
        className="checkin-result checkin-result--failed"
        data-testid="checkin-result"
        data-status="failed"
        data-code={problem.code}
      >
        <Text className="checkin-result__icon checkin-result__icon--failed">!</Text>
        <Text className="checkin-result__title" data-testid="checkin-title">
          {problem.title}
        </Text>
        <Text className="checkin-result__text" data-testid="checkin-message">
          {problem.message}
        </Text>
        {(problem.retry || problem.code === 'MEETING_CHECK_IN_CLOSED') && (
          <Button className="checkin-retry" type="primary" onClick={() => void store.run()}>
            重新签到
          </Button>
        )}
      </View>
      {meeting && <MeetingFacts meeting={meeting} />}
    </View>
  );
}

function MeetingFacts({ meeting }: { meeting: CustomerMeeting }) {
  return (
    <View className="meeting-section">
      <Text className="meeting-section__title">{meeting.title}</Text>
      <Row label="时间" value={meetingTimeText(meeting)} />
      {placeText(meeting) && <Row label="地点" value={placeText(meeting)} />}
      <Row
        label="签到时间"
        value={`${shortDateTimeText(meeting.checkIn.opensAt, meeting.timeZone)} 至 ${shortDateTimeText(meeting.checkIn.closesAt, meeting.timeZone)}`}
      />
      <Button
        className="checkin-open-meeting"
        data-testid="checkin-open-meeting"
        fill="outline"
        block
        onClick={() => void Taro.navigateTo({ url: meetingPage(meeting.id) })}
      >
        查看会议详情
      </Button>
    </View>
  );
}

function Row({ label, value }: { label: string; value: string }) {
  return (
    <View className="meeting-row">
      <Text className="meeting-row__label">{label}</Text>
      <Text className="meeting-row__value">{value}</Text>
    </View>
  );
}
