import { describe, expect, it } from 'vitest';
import {
  cancellationRefundText,
  depositText,
  durationText,
  formatFen,
  isoWeekdayOf,
  localDateTime,
  localZoneNote,
  monthDay,
  periodOfDay,
  refundRuleText,
  weekdayLabel,
} from '../../../miniapp/src/booking/format';
import { cleaning, implant } from './booking-fixtures';

describe('money', () => {
  it('shows fen as yuan with two decimals, without floating-point noise', () => {
    expect(formatFen(10_000)).toBe('¥100.00');
    expect(formatFen(5_000)).toBe('¥50.00');
    expect(formatFen(1)).toBe('¥0.01');
    expect(formatFen(0)).toBe('¥0.00');
    expect(formatFen(1_999)).toBe('¥19.99');
    expect(formatFen(123_456_789)).toBe('¥1234567.89');
    expect(formatFen(-250)).toBe('-¥2.50');
    expect(formatFen(Number.NaN)).toBe('¥0.00');
  });

  it('names the deposit of a service', () => {
    expect(depositText(implant)).toBe('定金 ¥100.00');
    expect(depositText(cleaning)).toBe('无需定金');
  });
});

describe('clinic-local dates and times', () => {
  it('shows the time as the API gave it, with the weekday', () => {
    const local = { date: '2025-11-27', time: '09:00', weekday: 4, offset: '+08:00' };
    expect(localDateTime(local)).toBe('11月27日 周四 09:00');
    expect(localDateTime(local, { year: true })).toBe('2025年11月27日 周四 09:00');
    expect(localZoneNote(local)).toBeNull();
    expect(localZoneNote({ ...local, offset: '-05:00' })).toBe('门店当地时间（UTC-05:00）');
  });

  it('names weekdays from ISO numbers and calendar dates', () => {
    expect([1, 2, 3, 4, 5, 6, 7].map(weekdayLabel)).toEqual(['周一', '周二', '周三', '周四', '周五', '周六', '周日']);
    expect(isoWeekdayOf('2025-11-27')).toBe(4);
    expect(isoWeekdayOf('2025-11-30')).toBe(7);
    expect(isoWeekdayOf('2024-02-29')).toBe(4);
    expect(monthDay('2025-01-05')).toBe('1月5日');
  });

  it('groups times into parts of the day and says durations plainly', () => {
    expect(periodOfDay('09:00')).toBe('上午');
    expect(periodOfDay('11:30')).toBe('上午');
    expect(periodOfDay('12:00')).toBe('下午');
    expect(periodOfDay('17:30')).toBe('下午');
    expect(periodOfDay('18:30')).toBe('晚上');
    expect(durationText(30)).toBe('30 分钟');
    expect(durationText(90)).toBe('90 分钟');
    expect(durationText(120)).toBe('2 小时');
  });
});

describe('refund rules', () => {
  it('states the service rule in one sentence', () => {
    expect(refundRuleText(implant)).toBe('就诊前 24 小时以上取消全额退还定金，之后取消退还 50%');
    expect(refundRuleText({ ...implant, lateRefundPercent: 0 })).toBe(
      '就诊前 24 小时以上取消全额退还定金，之后取消不退定金',
    );
    expect(refundRuleText({ ...implant, fullRefundHoursBefore: 1.5 })).toBe(
      '就诊前 1.5 小时以上取消全额退还定金，之后取消退还 50%',
    );
    expect(refundRuleText({ ...implant, lateRefundPercent: 100 })).toBe('就诊前取消均全额退还定金');
    expect(refundRuleText({ ...implant, fullRefundHoursBefore: 0 })).toBe('就诊前取消均全额退还定金');
    expect(refundRuleText(cleaning)).toBeNull();
  });

  it('says what cancelling now refunds, with the server’s amount', () => {
    const base = { depositFen: 10_000, depositPaid: true, fullRefundHoursBefore: 24 };
    expect(cancellationRefundText({ ...base, refundFen: 10_000 })).toBe('取消后将全额退还定金 ¥100.00，原路退回');
    expect(cancellationRefundText({ ...base, refundFen: 5_000 })).toBe(
      '距就诊不足 24 小时，取消后将退还定金 ¥50.00（已付 ¥100.00），原路退回',
    );
    expect(cancellationRefundText({ ...base, refundFen: 0 })).toBe('距就诊不足 24 小时，取消后定金 ¥100.00 不予退还');
    expect(cancellationRefundText({ ...base, refundFen: 5_000, fullRefundHoursBefore: undefined })).toBe(
      '取消后将退还定金 ¥50.00（已付 ¥100.00），原路退回',
    );
    expect(cancellationRefundText({ ...base, refundFen: 0, depositPaid: false })).toBe(
      '定金尚未支付，取消后无需支付，也不涉及退款',
    );
    expect(cancellationRefundText({ refundFen: 0, depositFen: 0, depositPaid: false })).toBe(
      '该预约无需定金，取消不涉及退款',
    );
  });
});
