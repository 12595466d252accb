import { describe, expect, it } from 'vitest';
import {
  audienceLabel,
  meetingDateTimeText,
  meetingPhaseLabel,
  meetingTimeText,
  placeText,
  placesText,
  registrationLabel,
  zoneOffsetMinutes,
} from '../../../miniapp/src/meetings/format';
import { ENDS, HOUR, STARTS, meeting, registration, summary } from './meeting-fixtures';

describe('meeting times', () => {
  it('are shown in the meeting’s zone, whatever the device’s', () => {
    expect(zoneOffsetMinutes('Asia/Shanghai', STARTS)).toBe(480);
    expect(zoneOffsetMinutes('America/New_York', Date.parse('2025-07-01T00:00:00Z'))).toBe(-240);
    expect(meetingDateTimeText(new Date(STARTS).toISOString(), 'Asia/Shanghai')).toBe('2025年12月10日（周三）14:00');
    expect(meetingTimeText(meeting())).toBe('2025年12月10日（周三）14:00–17:00');
  });

  it('show both ends of a meeting that spans days', () => {
    expect(meetingTimeText(meeting({ endsAt: new Date(STARTS + 24 * HOUR).toISOString() }))).toBe(
      '2025年12月10日（周三）14:00 至 2025年12月11日（周四）14:00',
    );
  });

  it('fall back to the device’s zone for an unknown zone', () => {
    const at = STARTS;
    expect(zoneOffsetMinutes('Not/AZone', at)).toBe(-new Date(at).getTimezoneOffset());
  });
});

describe('meeting labels', () => {
  it('name the audience, the places and my registration', () => {
    expect(audienceLabel('hcp')).toBe('医生专场');
    expect(audienceLabel('patient')).toBe('患者活动');
    expect(placesText(meeting())).toBe('剩余 12 个名额（共 30 个）');
    expect(placesText(meeting({ placesLeft: 0, waitlistOpen: true }))).toBe('名额已满，可加入候补');
    expect(placesText(meeting({ placesLeft: 0 }))).toBe('名额已满');
    expect(registrationLabel(registration())).toBe('已报名');
    expect(registrationLabel(registration({ checkedInAt: 'x' }))).toBe('已签到');
    expect(registrationLabel(registration({ status: 'waitlisted', waitlistPosition: 4 }))).toBe('候补第 4 位');
    expect(registrationLabel(registration({ status: 'cancelled' }))).toBe('已取消');
  });

  it('say where: the venue, online, or both', () => {
    expect(placeText(meeting())).toBe('静安旗舰店 三楼会议室');
    expect(placeText(summary({ venueName: null, online: true }))).toBe('线上会议');
    expect(placeText(summary({ online: true }))).toBe('静安旗舰店 三楼会议室 · 同步线上直播');
  });

  it('mark a meeting under way, over or cancelled', () => {
    expect(meetingPhaseLabel(summary(), STARTS - HOUR)).toBeNull();
    expect(meetingPhaseLabel(summary(), STARTS + HOUR)).toBe('进行中');
    expect(meetingPhaseLabel(summary(), ENDS + 1)).toBe('已结束');
    expect(meetingPhaseLabel(summary({ status: 'cancelled' }), STARTS - HOUR)).toBe('会议已取消');
  });
});
