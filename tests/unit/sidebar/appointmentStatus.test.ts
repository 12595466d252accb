import { describe, expect, it } from 'vitest';
import {
  allowedActions,
  cancellationOutcome,
  depositText,
  refundQuote,
  STATUS_HINTS,
  STATUS_LABELS,
  statusLabel,
  statusTone,
} from '../../../wecom-sidebar/src/appointments/status';
import type { AppointmentStatus } from '../../../wecom-sidebar/src/appointments/types';
import { appointment } from './fixtures';

const ALL: AppointmentStatus[] = [
  'reserving',
  'held',
  'confirmed',
  'arrived',
  'no_show',
  'cancelled',
  'expired',
  'failed',
];

// The fixture starts at 2026-03-06 01:30 UTC.
const BEFORE = new Date('2026-03-05T01:30:00.000Z'); // a day ahead
const AFTER = new Date('2026-03-06T01:45:00.000Z'); // a quarter of an hour after the start

describe('status labels', () => {
  it('name every status, in Chinese with an English hint', () => {
    for (const status of ALL) {
      expect(STATUS_LABELS[status]).toMatch(/\p{Script=Han}/u);
      expect(STATUS_HINTS[status]).toMatch(/[A-Za-z]/);
    }
    expect(statusLabel('arrived')).toBe('已到店');
    expect(statusLabel('no_show')).toBe('未到');
    expect(statusLabel('held')).toBe('待付定金');
    // A status a newer server sends shows as itself.
    expect(statusLabel('rescheduling')).toBe('rescheduling');
  });

  it('give each status a badge tone', () => {
    expect(statusTone('held')).toBe('pending');
    expect(statusTone('confirmed')).toBe('ok');
    expect(statusTone('arrived')).toBe('done');
    expect(statusTone('no_show')).toBe('bad');
    expect(statusTone('cancelled')).toBe('off');
    expect(statusTone('expired')).toBe('off');
  });
});

describe('allowed actions', () => {
  const enabled = (status: AppointmentStatus, now: Date) => {
    const actions = allowedActions(appointment({ status }), now);
    return (['arrive', 'no-show', 'cancel'] as const).filter((action) => actions[action].enabled);
  };

  it('follow the transitions the BFF accepts', () => {
    expect(enabled('confirmed', BEFORE)).toEqual(['arrive', 'cancel']);
    expect(enabled('confirmed', AFTER)).toEqual(['arrive', 'no-show']);
    expect(enabled('held', BEFORE)).toEqual(['cancel']);
    expect(enabled('held', AFTER)).toEqual([]);
    // A patient marked no-show who turns up late can still be marked arrived.
    expect(enabled('no_show', AFTER)).toEqual(['arrive']);
    for (const status of ['arrived', 'cancelled', 'expired', 'failed', 'reserving'] as const) {
      expect(enabled(status, BEFORE)).toEqual([]);
      expect(enabled(status, AFTER)).toEqual([]);
    }
  });

  it('mark no-show only once the appointment has started, and cancel only before', () => {
    const start = new Date('2026-03-06T01:30:00.000Z');
    expect(allowedActions(appointment(), new Date(start.getTime() - 1))['no-show'].enabled).toBe(false);
    expect(allowedActions(appointment(), start)['no-show'].enabled).toBe(true);
    expect(allowedActions(appointment(), new Date(start.getTime() - 1)).cancel.enabled).toBe(true);
    expect(allowedActions(appointment(), start).cancel.enabled).toBe(false);
  });

  it('say why an action is not possible', () => {
    const held = allowedActions(appointment({ status: 'held' }), BEFORE);
    expect(held.arrive.reason).toContain('定金未支付');
    expect(allowedActions(appointment(), BEFORE)['no-show'].reason).toContain('未到');
    expect(allowedActions(appointment({ status: 'arrived' }), BEFORE).arrive.reason).toContain('已到店');
    expect(allowedActions(appointment({ status: 'cancelled' }), BEFORE).cancel.reason).toContain('已取消');
    expect(allowedActions(appointment(), BEFORE).arrive.reason).toBe('');
  });
});

describe('the refund a cancellation gives', () => {
  const rule = { fullRefundHoursBefore: 24, lateRefundPercent: 50 };
  const paid = (overrides = {}) =>
    appointment({ depositFen: 10_000, paymentId: '65f0000000000000000000f1', ...overrides });

  it('is nothing without a deposit, or when it was never paid', () => {
    expect(refundQuote(appointment(), rule, BEFORE)).toMatchObject({ kind: 'no-deposit', refundFen: 0 });
    const held = refundQuote(paid({ status: 'held' }), rule, BEFORE);
    expect(held).toMatchObject({ kind: 'unpaid', refundFen: 0 });
    expect(held.text).toContain('定金尚未支付');
    expect(refundQuote(paid({ paymentId: null }), rule, BEFORE).kind).toBe('unpaid');
  });

  it('is all of it at least the rule’s hours ahead, the late share after', () => {
    const start = new Date('2026-03-06T01:30:00.000Z').getTime();
    const exactly24h = new Date(start - 24 * 3_600_000);
    expect(refundQuote(paid(), rule, exactly24h)).toMatchObject({ kind: 'full', refundFen: 10_000 });
    expect(refundQuote(paid(), rule, exactly24h).text).toContain('¥100.00');
    const late = refundQuote(paid(), rule, new Date(exactly24h.getTime() + 1));
    expect(late).toMatchObject({ kind: 'partial', refundFen: 5_000 });
    expect(late.text).toContain('50%');
    expect(late.text).toContain('¥50.00');
  });

  it('rounds the late share down to the fen, and says when nothing comes back', () => {
    const late = new Date('2026-03-06T00:00:00.000Z');
    expect(refundQuote(paid({ depositFen: 999 }), { ...rule, lateRefundPercent: 33 }, late).refundFen).toBe(329);
    const none = refundQuote(paid(), { ...rule, lateRefundPercent: 0 }, late);
    expect(none).toMatchObject({ kind: 'none', refundFen: 0 });
    expect(none.text).toContain('不予退还');
  });

  it('is unknown when the page does not know the service’s rule', () => {
    expect(refundQuote(paid(), null, BEFORE)).toMatchObject({ kind: 'unknown', refundFen: null });
  });

  it('is reported from the server’s answer after the fact', () => {
    expect(cancellationOutcome(5_000)).toBe('已取消，退还定金 ¥50.00');
    expect(cancellationOutcome(0)).toBe('已取消，无退款');
  });
});

describe('the deposit line', () => {
  it('says whether the deposit is paid, waiting or refunded', () => {
    expect(depositText(appointment())).toBe('');
    expect(depositText(appointment({ depositFen: 10_000, status: 'held' }))).toBe('定金 ¥100.00 · 待支付');
    expect(depositText(appointment({ depositFen: 10_000, status: 'confirmed' }))).toBe('定金 ¥100.00 · 已付');
    expect(depositText(appointment({ depositFen: 10_000, status: 'arrived' }))).toBe('定金 ¥100.00 · 已付');
    expect(depositText(appointment({ depositFen: 10_000, status: 'cancelled', refundFen: 5_000 }))).toBe(
      '定金 ¥100.00 · 已退 ¥50.00',
    );
    // A cancelled or expired hold may never have been paid: the amount alone.
    expect(depositText(appointment({ depositFen: 10_000, status: 'cancelled', refundFen: 0 }))).toBe('定金 ¥100.00');
    expect(depositText(appointment({ depositFen: 10_000, status: 'expired' }))).toBe('定金 ¥100.00');
  });
});
