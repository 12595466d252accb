import { Button, Dialog, Toast } from '@nutui/nutui-react-taro';
import { Text, View } from '@tarojs/components';
import Taro, { useDidShow, useRouter } from '@tarojs/taro';
import { useEffect, useState } from 'react';
import { useStore } from '../../../../booking/useStore';
import { bookingApi } from '../../../../booking/client';
import AppError from '../../../../components/AppError';
import Gate from '../../../../components/Gate';
import { meetingApi } from '../../../../meetings/client';
import { createMeetingDetail, type MeetingDetailStore, type MeetingNotice } from '../../../../meetings/detail';
import { canSignUpAgain, createMeetingFeePayment, feeDue } from '../../../../meetings/fee';
import {
  audienceLabel,
  cancelledText,
  meetingDateTimeText,
  meetingPhaseLabel,
  meetingTimeText,
  placesText,
  feeStatusText,
  feeText,
  registrationLabel,
  shortDateTimeText,
} from '../../../../meetings/format';
import { surveyPage } from '../../../../meetings/routes';
import {
  activeRegistration,
  offersReminder,
  showsCheckInCode,
  signUpAction,
  surveyPhase,
} from '../../../../meetings/status';
import type { CustomerMeeting } from '../../../../meetings/types';
import { platform } from '../../../../platform';
import SandboxPaySheet from '../../../../platform/SandboxPaySheet';
import PaymentPanel from '../../../../components/PaymentPanel';
import { usePageView } from '../../../../tracking';
import CheckInCode from '../../components/CheckInCode';
import ReminderButton from '../../components/ReminderButton';
import ScanCheckIn from '../../components/ScanCheckIn';
import '../../meetings.scss';
import './index.scss';

export default function MeetingDetailPage() {
  usePageView('会议详情');
  const { params } = useRouter();
  const id = params.id ?? '';
  return (
    <View className="page meeting-detail">
      <Gate>{id ? <Detail id={id} /> : <AppError title="会议不存在" message="链接缺少会议编号" />}</Gate>
      <SandboxPaySheet />
    </View>
  );
}

function Detail({ id }: { id: string }) {
  const [store] = useState(() => createMeetingDetail({ api: meetingApi, id }));
  const state = useStore(store);
  useEffect(() => {
    void store.load();
  }, [store]);
  // Back in front: a waitlisted place may have been promoted, the survey may have opened.
  useDidShow(() => void store.load());

  const { meeting } = state;
  if (meeting.status === 'error') {
    const problem = state.loadProblem;
    if (problem?.code === 'HCP_ONLY') {
      return (
        <View className="meetings-body">
          <View className="meeting-locked" data-testid="meeting-locked">
            <View className="lock-icon">
              <View className="lock-icon__shackle" />
              <View className="lock-icon__body" />
            </View>
            <Text className="meeting-locked__title">{problem.title}</Text>
            <Text className="meeting-locked__message">{problem.message}</Text>
          </View>
        </View>
      );
    }
    return (
      <AppError
        title={problem?.title ?? '会议加载失败'}
        message={meeting.message}
        onRetry={problem?.retry === false ? undefined : () => void store.load()}
      />
    );
  }
  if (meeting.status !== 'ready') return <Text className="gate-note app-loading">正在加载会议…</Text>;
  return <MeetingView meeting={meeting.value} store={store} notice={state.notice} signedUpHere={state.signedUpHere} />;
}

const NOTICES: Record<MeetingNotice, string> = {
  confirmed: '报名成功',
  awaiting_payment: '名额已为你保留，请在时限内付款',
  waitlisted: '已加入候补名单',
  cancelled: '已取消报名',
  lapsed: '未在时限内支付，名额已释放',
  promoted: '候补成功，你已获得参会名额',
  paid: '付款成功，报名已确认',
};

function MeetingView({
  meeting,
  store,
  notice,
  signedUpHere,
}: {
  meeting: CustomerMeeting;
  store: MeetingDetailStore;
  notice: MeetingNotice | null;
  signedUpHere: boolean;
}) {
  const now = Date.now();
  const phase = meetingPhaseLabel(meeting, now);
  return (
    <View className="meetings-body meeting-detail__body" data-testid="meeting-detail" data-meeting-id={meeting.id}>
      <View className="meeting-section meeting-detail__head">
        <View className="meeting-card__badges">
          <Text className={`meeting-badge meeting-badge--${meeting.audience}`}>{audienceLabel(meeting.audience)}</Text>
          {phase && <Text className="meeting-badge meeting-badge--phase">{phase}</Text>}
        </View>
        <Text className="meeting-detail__title" data-testid="meeting-title">
          {meeting.title}
        </Text>
        <Row label="时间" value={meetingTimeText(meeting)} />
        {meeting.venue && (
          <Row
            label="地点"
            value={meeting.venue.address ? `${meeting.venue.name}（${meeting.venue.address}）` : meeting.venue.name}
          />
        )}
        {meeting.onlineUrl && <OnlineLink url={meeting.onlineUrl} />}
        <Row label="名额" value={placesText(meeting)} testId="meeting-places" />
        <Row label="报名截止" value={meetingDateTimeText(meeting.signUpDeadline, meeting.timeZone)} />
        <Row label="费用" value={feeText(meeting.feeFen)} testId="meeting-fee" />
      </View>

      <MyRegistrationCard meeting={meeting} now={now} />
      <CancelledRegistrationCard meeting={meeting} />
      {feeDue(meeting) && <FeePayment key={feeDue(meeting)!.paymentId} meeting={meeting} store={store} />}
      <SignUpBar meeting={meeting} store={store} now={now} />
      {/* The reminder goes to confirmed places: not offered while the place awaits payment or the waitlist. */}
      {signedUpHere && offersReminder(meeting.myRegistration) && (
        <ReminderButton templateId={meeting.reminderTemplateId} />
      )}

      {meeting.description && (
        <View className="meeting-section">
          <Text className="meeting-section__title">会议介绍</Text>
          <Text className="meeting-section__text">{meeting.description}</Text>
        </View>
      )}
      {meeting.agenda.length > 0 && (
        <View className="meeting-section" data-testid="meeting-agenda">
          <Text className="meeting-section__title">议程</Text>
          {meeting.agenda.map((item, index) => (
            <View key={index} className="meeting-agenda__item">
              <Text className="meeting-agenda__time">{item.time}</Text>
              <View className="meeting-agenda__text">
                <Text className="meeting-agenda__topic">{item.topic}</Text>
                {item.speaker && <Text className="meeting-agenda__speaker">{item.speaker}</Text>}
              </View>
            </View>
          ))}
        </View>
      )}
      {meeting.speakers.length > 0 && (
        <View className="meeting-section" data-testid="meeting-speakers">
          <Text className="meeting-section__title">讲者</Text>
          {meeting.speakers.map((speaker, index) => (
            <View key={index} className="meeting-speaker">
              <View className="meeting-speaker__avatar">
                <Text>{Array.from(speaker.name)[0] ?? ''}</Text>
              </View>
              <View className="meeting-speaker__text">
                <Text className="meeting-speaker__name">
                  {speaker.name}
                  {speaker.title ? ` · ${speaker.title}` : ''}
                </Text>
                {speaker.hospital && <Text className="meeting-speaker__hospital">{speaker.hospital}</Text>}
              </View>
            </View>
          ))}
        </View>
      )}
      <Toast
        className="meeting-notice"
        visible={notice !== null}
        content={notice ? NOTICES[notice] : ''}
        icon={notice === 'cancelled' || notice === 'lapsed' ? undefined : 'success'}
        onClose={() => store.clearNotice()}
      />
    </View>
  );
}

/** The 我的报名 title with the registration's state as a badge. */
function RegistrationHead({ registration }: { registration: NonNullable<CustomerMeeting['myRegistration']> }) {
  return (
    <View className="meeting-mine__head">
      <Text className="meeting-section__title">我的报名</Text>
      <Text
        className={`meeting-badge meeting-badge--${registration.status}`}
        data-testid="registration-status"
        data-status={registration.status}
      >
        {registrationLabel(registration)}
      </Text>
    </View>
  );
}

/** My place: its state, the code for staff to scan, the check-in and the survey. */
function MyRegistrationCard({ meeting, now }: { meeting: CustomerMeeting; now: number }) {
  const registration = activeRegistration(meeting);
  if (!registration) return null;
  const survey = surveyPhase(meeting, now);
  return (
    <View className="meeting-section meeting-mine" data-testid="my-registration">
      <RegistrationHead registration={registration} />
      {registration.status === 'awaiting_payment' && registration.holdExpiresAt && (
        <Text className="meeting-hint" data-testid="fee-due">
          名额已为你保留：请在 {shortDateTimeText(registration.holdExpiresAt, meeting.timeZone)} 前支付{' '}
          {feeText(registration.feeFen)}，逾期名额将自动释放。
        </Text>
      )}
      {feeStatusText(registration) && (
        <Text className="meeting-hint" data-testid="fee-status">
          {feeStatusText(registration)}
        </Text>
      )}
      {registration.status === 'waitlisted' && (
        <Text className="meeting-hint">有人取消报名时，候补名单按顺序自动递补，递补成功后这里会显示「已报名」。</Text>
      )}
      {registration.checkedInAt && (
        <Row
          label="签到时间"
          value={shortDateTimeText(registration.checkedInAt, meeting.timeZone)}
          testId="checked-in-at"
        />
      )}
      {showsCheckInCode(registration) && Date.parse(meeting.checkIn.closesAt) > now && (
        <>
          <Text className="meeting-hint">
            签到时间：{shortDateTimeText(meeting.checkIn.opensAt, meeting.timeZone)} 至{' '}
            {shortDateTimeText(meeting.checkIn.closesAt, meeting.timeZone)}
          </Text>
          <ScanCheckIn />
          <CheckInCode code={registration.checkInCode} />
        </>
      )}
      {survey === 'open' && (
        <Button
          className="meeting-survey-open"
          data-testid="open-survey"
          type="primary"
          block
          onClick={() => void Taro.navigateTo({ url: surveyPage(meeting.id) })}
        >
          填写会后问卷
        </Button>
      )}
      {survey === 'not-yet' && (
        <Text className="meeting-hint">
          会后问卷将于会议结束后开放（{shortDateTimeText(meeting.survey.opensAt, meeting.timeZone)}）
        </Text>
      )}
      {survey === 'answered' && (
        <Text className="meeting-hint" data-testid="survey-answered">
          会后问卷已提交，感谢你的反馈
        </Text>
      )}
    </View>
  );
}

/** My cancelled registration: why (a hold not paid in time, my own cancel, the meeting's) and when. */
function CancelledRegistrationCard({ meeting }: { meeting: CustomerMeeting }) {
  const registration = meeting.myRegistration;
  const text = registration ? cancelledText(registration, meeting.timeZone) : null;
  if (!registration || !text) return null;
  const fee = feeStatusText(registration);
  return (
    <View className="meeting-section meeting-mine meeting-mine--cancelled" data-testid="my-registration">
      <RegistrationHead registration={registration} />
      <Text
        className="meeting-cancelled-note"
        data-testid="registration-cancelled"
        data-reason={registration.cancelReason ?? ''}
      >
        {text}
      </Text>
      {fee && (
        <Text className="meeting-hint" data-testid="fee-status">
          {fee}
        </Text>
      )}
    </View>
  );
}

/** My held place's fee: the pay button and the time left; once paid, the page shows the confirmed place. */
function FeePayment({ meeting, store }: { meeting: CustomerMeeting; store: MeetingDetailStore }) {
  const [flow] = useState(() =>
    createMeetingFeePayment({
      api: { meeting: meetingApi.meeting, jsapiParams: bookingApi.jsapiParams, payment: bookingApi.payment },
      requestPayment: (params, order) => platform.requestPayment(params, order),
      meeting,
    }),
  );
  useEffect(() => {
    const unsubscribe = flow.subscribe(() => {
      const { status, subject } = flow.getState();
      if (status === 'paid') store.paid(subject);
    });
    return () => {
      unsubscribe();
      flow.dispose();
    };
  }, [flow, store]);
  const { subject } = useStore(flow);
  const due = feeDue(meeting);
  const again = canSignUpAgain(subject, Date.now());
  return (
    <View className="meeting-fee-pay" data-testid="meeting-fee-pay">
      <PaymentPanel
        flow={flow}
        label="会议费"
        amountFen={due?.feeFen ?? meeting.feeFen}
        deadline={due?.holdExpiresAt ?? null}
        action="去支付"
        lapse="超时名额将自动释放"
        buttonClassName="meeting-fee-pay__button"
        expiredAction={
          again
            ? { label: '重新报名', onClick: () => void store.signUp() }
            : { label: '刷新报名状态', onClick: () => void store.load() }
        }
      />
    </View>
  );
}

function SignUpBar({ meeting, store, now }: { meeting: CustomerMeeting; store: MeetingDetailStore; now: number }) {
  const state = useStore(store);
  const [confirming, setConfirming] = useState(false);
  const action = signUpAction(meeting, now);
  const busy = state.action.status === 'busy';
  const failed = state.action.status === 'failed' ? state.action.problem : null;
  return (
    <View className="meeting-signup">
      {action.kind === 'sign-up' && (
        <>
          <Button
            className="meeting-signup__button"
            data-testid="signup-button"
            type="primary"
            block
            loading={busy}
            onClick={() => void store.signUp()}
          >
            {action.label}
          </Button>
          <Text className="meeting-hint">
            {action.waitlist
              ? '名额已满：加入候补后，有人取消时按顺序自动递补'
              : meeting.feeFen > 0
                ? `报名费 ${feeText(meeting.feeFen)}：报名后名额保留 15 分钟，请及时完成微信支付`
                : '本次会议免费参加，报名后请按时到场签到'}
          </Text>
        </>
      )}
      {action.kind === 'cancel' && (
        <Button
          className="meeting-signup__cancel"
          data-testid="cancel-signup"
          fill="outline"
          block
          loading={busy}
          onClick={() => setConfirming(true)}
        >
          {action.label}
        </Button>
      )}
      {action.kind === 'closed' && (
        <Button className="meeting-signup__button" data-testid="signup-button" block disabled>
          {action.label}
        </Button>
      )}
      {action.kind === 'closed' && (
        <Text className="meeting-hint" data-testid="signup-closed">
          {action.reason}
        </Text>
      )}
      {failed && (
        <Text className="meeting-error" data-testid="signup-error" data-code={failed.code}>
          {failed.title}：{failed.message}
        </Text>
      )}
      <Dialog
        className="meeting-cancel-dialog"
        visible={confirming}
        title={activeRegistration(meeting)?.status === 'waitlisted' ? '退出候补？' : '取消报名？'}
        content={cancelText(activeRegistration(meeting))}
        confirmText="确认取消"
        cancelText="再想想"
        onConfirm={() => {
          setConfirming(false);
          void store.cancel();
        }}
        onCancel={() => setConfirming(false)}
        onClose={() => setConfirming(false)}
      />
    </View>
  );
}

/** What cancelling does, with the fee rule: refunded in full before the sign-up deadline, not after. */
function cancelText(registration: ReturnType<typeof activeRegistration>): string {
  const base = '取消后名额会让给候补的嘉宾，如需参加需重新报名。';
  if (!registration?.paidAt) return base;
  return registration.refundableOnCancel
    ? `${base}已付的会议费 ${feeText(registration.feeFen)} 将全额原路退还。`
    : `${base}已过报名截止时间，会议费不予退还。`;
}

function OnlineLink({ url }: { url: string }) {
  const [copied, setCopied] = useState(false);
  return (
    <View className="meeting-row" data-testid="meeting-online">
      <Text className="meeting-row__label">线上链接</Text>
      <View className="meeting-row__value">
        <Text>{url}</Text>
        <Text
          className="meeting-link-copy"
          onClick={() =>
            void Taro.setClipboardData({ data: url }).then(
              () => setCopied(true),
              () => setCopied(false),
            )
          }
        >
          {copied ? ' 已复制' : ' 复制'}
        </Text>
      </View>
    </View>
  );
}

function Row({ label, value, testId }: { label: string; value: string; testId?: string }) {
  return (
    <View className="meeting-row" data-testid={testId}>
      <Text className="meeting-row__label">{label}</Text>
      <Text className="meeting-row__value">{value}</Text>
    </View>
  );
}
