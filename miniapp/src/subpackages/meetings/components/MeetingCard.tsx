import { Text, View } from '@tarojs/components';
import type { ReactNode } from 'react';
import {
  audienceLabel,
  cancelledText,
  feeText,
  meetingPhaseLabel,
  meetingTimeText,
  placeText,
  registrationLabel,
  shortDateTimeText,
} from '../../../meetings/format';
import type { CustomerMeetingSummary } from '../../../meetings/types';

/** A meeting in a list: its audience, title, time and place, and my registration (or the places left). */
export default function MeetingCard({
  meeting,
  now,
  onOpen,
  children,
}: {
  meeting: CustomerMeetingSummary;
  now: number;
  onOpen: () => void;
  children?: ReactNode;
}) {
  const phase = meetingPhaseLabel(meeting, now);
  const registration = meeting.myRegistration;
  const note = registration ? registrationNote(registration, meeting.timeZone, now) : null;
  return (
    <View className="meeting-card" data-testid="meeting-card" data-meeting-id={meeting.id}>
      <View className="meeting-card__main" onClick={onOpen}>
        <View className="meeting-card__badges">
          <Text className={`meeting-badge meeting-badge--${meeting.audience}`}>{audienceLabel(meeting.audience)}</Text>
          {phase && <Text className="meeting-badge meeting-badge--phase">{phase}</Text>}
          {registration && (
            <Text
              className={`meeting-badge meeting-badge--reg meeting-badge--${registration.status}`}
              data-testid="meeting-card-registration"
            >
              {registrationLabel(registration)}
            </Text>
          )}
        </View>
        <Text className="meeting-card__title" data-testid="meeting-card-title">
          {meeting.title}
        </Text>
        <Text className="meeting-card__line">{meetingTimeText(meeting)}</Text>
        {placeText(meeting) && <Text className="meeting-card__line">{placeText(meeting)}</Text>}
        <Text className="meeting-card__line" data-testid="meeting-card-fee">
          {meeting.feeFen > 0 ? `报名费 ${feeText(meeting.feeFen)}` : feeText(meeting.feeFen)}
        </Text>
        {note && (
          <Text
            className={`meeting-card__note meeting-card__note--${registration!.status}`}
            data-testid="meeting-card-note"
          >
            {note}
          </Text>
        )}
        {!registration && !phase && (
          <Text className="meeting-card__places">
            {meeting.placesLeft > 0 ? `剩余 ${meeting.placesLeft} 个名额` : '名额已满，可尝试候补'}
          </Text>
        )}
      </View>
      {children}
    </View>
  );
}

/** A line on my registration when there is something to do or to know: the time to pay by, why it was cancelled. */
function registrationNote(
  registration: NonNullable<CustomerMeetingSummary['myRegistration']>,
  timeZone: string,
  now: number,
): string | null {
  if (registration.status === 'cancelled') return cancelledText(registration, timeZone);
  if (registration.status !== 'awaiting_payment' || !registration.holdExpiresAt) return null;
  return Date.parse(registration.holdExpiresAt) > now
    ? `请在 ${shortDateTimeText(registration.holdExpiresAt, timeZone)} 前支付 ${feeText(registration.feeFen)}，逾期名额将自动释放`
    : '付款时限已过，名额即将释放';
}
