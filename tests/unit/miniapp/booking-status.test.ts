import { describe, expect, it } from 'vitest';
import {
  canCancel,
  canReschedule,
  depositStatusText,
  showsCheckInCode,
  splitAppointments,
  statusLabel,
  statusTone,
} from '../../../miniapp/src/booking/status';
import { appointment, payment } from './booking-fixtures';

describe('appointment status', () => {
  it('has a badge for every status a patient sees', () => {
    expect(
      ['held', 'confirmed', 'arrived', 'no_show', 'cancelled', 'expired'].map((status) => statusLabel(status)),
    ).toEqual(['待支付', '已确认', '已到店', '未到店', '已取消', '已过期']);
    expect(statusTone('held')).toBe('warning');
    expect(statusTone('arrived')).toBe('success');
    expect(statusTone('no_show')).toBe('danger');
    expect(statusLabel('something_new')).toBe('something_new');
    expect(statusTone('something_new')).toBe('muted');
  });

  it('allows cancelling and moving only open appointments, and the QR only once confirmed', () => {
    expect(canCancel('held')).toBe(true);
    expect(canCancel('confirmed')).toBe(true);
    expect(canCancel('arrived')).toBe(false);
    expect(canCancel('cancelled')).toBe(false);
    expect(canReschedule('expired')).toBe(false);
    expect(showsCheckInCode('confirmed')).toBe(true);
    expect(showsCheckInCode('held')).toBe(false);
    expect(showsCheckInCode('arrived')).toBe(false);
  });
});

describe('the list', () => {
  const now = Date.parse('2025-11-26T02:00:00Z');
  const at = (iso: string, status = 'confirmed', id = iso) =>
    appointment({ id, startsAt: iso, status: status as never });

  it('keeps upcoming appointments first, soonest first, then the past ones as the API ordered them', () => {
    const items = [
      at('2025-11-27T01:00:00Z'),
      at('2025-11-28T01:00:00Z', 'held'),
      at('2025-11-25T01:00:00Z', 'arrived'),
      at('2025-11-20T01:00:00Z', 'cancelled'),
    ];
    const { upcoming, past } = splitAppointments(items, now);
    expect(upcoming.map((a) => a.startsAt)).toEqual(['2025-11-27T01:00:00Z', '2025-11-28T01:00:00Z']);
    expect(past.map((a) => a.startsAt)).toEqual(['2025-11-25T01:00:00Z', '2025-11-20T01:00:00Z']);
  });

  it('keeps a confirmed visit that began a little while ago among the upcoming ones (the patient may be there)', () => {
    const started = at('2025-11-26T01:30:00Z', 'confirmed', 'started');
    const later = at('2025-11-27T01:00:00Z', 'confirmed', 'later');
    const arrivedToday = at('2025-11-26T01:00:00Z', 'arrived', 'arrived');
    const { upcoming, past } = splitAppointments([later, started, arrivedToday], now);
    expect(upcoming.map((a) => a.id)).toEqual(['started', 'later']);
    expect(past.map((a) => a.id)).toEqual(['arrived']);
  });
});

describe('deposit line', () => {
  it('says whether the deposit is due, paid or refunded', () => {
    expect(depositStatusText(appointment({ depositFen: 0 }), null)).toBe('无需定金');
    expect(depositStatusText(appointment(), null)).toBe('¥100.00 · 待支付');
    expect(depositStatusText(appointment(), payment())).toBe('¥100.00 · 待支付');
    expect(depositStatusText(appointment({ status: 'expired' }), payment())).toBe('¥100.00 · 未支付');
    expect(depositStatusText(appointment({ status: 'confirmed' }), payment({ status: 'paid' }))).toBe(
      '¥100.00 · 已支付',
    );
    expect(
      depositStatusText(appointment({ status: 'cancelled', refundFen: 10_000 }), payment({ status: 'refunding' })),
    ).toBe('¥100.00 · 退款处理中（退还 ¥100.00）');
    expect(depositStatusText(appointment({ status: 'cancelled' }), payment({ status: 'refunded' }))).toBe(
      '¥100.00 · 已全额退款',
    );
    expect(
      depositStatusText(
        appointment({ status: 'cancelled' }),
        payment({ status: 'partially_refunded', refundedFen: 5_000 }),
      ),
    ).toBe('¥100.00 · 已退款 ¥50.00');
    expect(depositStatusText(appointment({ status: 'expired' }), payment({ status: 'closed' }))).toBe(
      '¥100.00 · 未支付（订单已关闭）',
    );
  });
});
