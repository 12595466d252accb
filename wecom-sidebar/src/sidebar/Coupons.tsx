/**
 * 优惠券 in the 360° view: the customer's coupons by state (usable first), each usable one with 核销 at a clinic (the
 * staff member's own by default, when the coupon is good there), a box to redeem the code the patient shows (typed,
 * from a handheld scanner, or scanned with the WeCom camera), and, for managers, undoing a redemption within its
 * window. Every refusal says why.
 */
import type { StaffProfile } from '@careloop/shared';
import { useCallback, useMemo, useRef, useState } from 'react';
import { describeError } from '../api/errors';
import { normaliseCouponCode } from '../coupons/code';
import {
  couponDatesText,
  couponPhase,
  couponValueText,
  groupCoupons,
  PHASE_LABELS,
  REDEMPTION_UNDO_MINUTES,
  redeemClinics,
  undoWindow,
  type CouponPhase,
} from '../coupons/couponView';
import { explainCouponError } from '../coupons/errors';
import type { Coupon } from '../coupons/types';
import { useRedeemClinics, type RedeemClinics } from '../coupons/useRedeemClinics';
import { SelectInput } from '../shell/Field';
import { api } from '../shell/runtime';
import { useNow } from '../shell/useNow';
import { useResource } from '../shell/useResource';
import { useServices } from '../shell/useServices';

interface Message {
  /** The coupon it is about; 'code' for the code box. */
  id: string;
  kind: 'ok' | 'error';
  text: string;
}

const PHASE_TONES: Record<CouponPhase, string> = {
  usable: 'ok',
  not_yet_valid: 'pending',
  lapsed: 'off',
  redeemed: 'done',
  expired: 'off',
  revoked: 'bad',
};

function ClinicSelect({
  coupon,
  context,
  value,
  onChange,
  testId,
}: {
  coupon: Coupon | null;
  context: RedeemClinics;
  value: string;
  onChange(id: string): void;
  testId: string;
}) {
  const { options } = redeemClinics(coupon, context.clinics ?? [], context.ownClinicIds);
  return (
    <SelectInput
      className="coupon__clinic"
      ariaLabel="核销门店 Clinic"
      testId={testId}
      empty={context.clinics === null ? '加载中… Loading' : !options.length ? '没有适用门店' : undefined}
      options={options}
      value={value}
      disabled={!options.length}
      onChange={onChange}
    />
  );
}

function CouponRow({
  coupon,
  staff,
  now,
  clinics,
  serviceName,
  busy,
  message,
  onRedeem,
  onUndo,
}: {
  coupon: Coupon;
  staff: StaffProfile;
  now: Date;
  clinics: RedeemClinics;
  serviceName(id: string): string | undefined;
  busy: boolean;
  message: Message | null;
  onRedeem(clinicId: string): Promise<boolean>;
  onUndo(): void;
}) {
  const phase = couponPhase(coupon, now);
  const undo = undoWindow(coupon, staff, now);
  const [redeeming, setRedeeming] = useState(false);
  const defaultClinic = redeemClinics(coupon, clinics.clinics ?? [], clinics.ownClinicIds).defaultId ?? '';
  const [clinicId, setClinicId] = useState<string | null>(null);
  const chosen = clinicId ?? defaultClinic;

  return (
    <li
      className={`coupon coupon--${phase}`}
      data-testid="coupon-row"
      data-coupon-id={coupon.id}
      data-state={coupon.state}
      data-phase={phase}
      aria-busy={busy}
    >
      <div className="coupon__top">
        <span className="coupon__name">{coupon.template.name}</span>
        <span className={`status status--${PHASE_TONES[phase]}`} data-testid="coupon-state">
          {PHASE_LABELS[phase]}
        </span>
      </div>
      <div className="coupon__value">{couponValueText(coupon.template, serviceName)}</div>
      <div className="coupon__meta small muted">
        {couponDatesText(coupon, now)}
        <span className="mono coupon__code" title="券码 Code">
          {' '}
          · {coupon.code}
        </span>
      </div>
      {coupon.overLimitAfterMerge ? (
        <p className="small coupon__warning">合并档案后超出每人限领数量（两张券均保留）。</p>
      ) : null}
      {phase === 'usable' ? (
        redeeming ? (
          <div className="confirm coupon__confirm" role="group" aria-label="确认核销 Confirm redemption">
            <div className="row">
              <ClinicSelect
                coupon={coupon}
                context={clinics}
                value={chosen}
                onChange={setClinicId}
                testId="coupon-redeem-clinic"
              />
            </div>
            <div className="row">
              <button
                type="button"
                className="button button--small button--primary"
                data-testid="coupon-redeem-confirm"
                disabled={busy || !chosen}
                onClick={() => {
                  void onRedeem(chosen).then((done) => {
                    if (done) setRedeeming(false);
                  });
                }}
              >
                {busy ? '核销中…' : '确认核销'}
              </button>
              <button
                type="button"
                className="button button--small"
                disabled={busy}
                onClick={() => setRedeeming(false)}
              >
                返回
              </button>
            </div>
          </div>
        ) : (
          <div className="row coupon__actions">
            <button
              type="button"
              className="button button--small button--primary"
              data-testid="coupon-redeem"
              disabled={busy}
              onClick={() => setRedeeming(true)}
            >
              核销
            </button>
          </div>
        )
      ) : null}
      {undo.allowed ? (
        <div className="row coupon__actions">
          <button
            type="button"
            className="button button--small"
            data-testid="coupon-undo"
            disabled={busy}
            title={`核销后 ${REDEMPTION_UNDO_MINUTES} 分钟内可撤销 Undo within ${REDEMPTION_UNDO_MINUTES} minutes`}
            onClick={onUndo}
          >
            撤销核销（剩 {undo.minutesLeft} 分钟）
          </button>
        </div>
      ) : null}
      {message ? (
        <p
          className={message.kind === 'ok' ? 'coupon__message small' : 'field-error'}
          role={message.kind === 'ok' ? 'status' : 'alert'}
          data-testid="coupon-message"
          data-state={message.kind}
        >
          {message.text}
        </p>
      ) : null}
    </li>
  );
}

/** The code the patient shows: typed, from a scanner (which types it and Enter), or the WeCom camera. */
function CodeBox({
  clinics,
  scan,
  busy,
  message,
  onRedeem,
}: {
  clinics: RedeemClinics;
  scan: (() => Promise<string>) | null;
  busy: boolean;
  message: Message | null;
  onRedeem(code: string, clinicId: string): Promise<boolean>;
}) {
  const [code, setCode] = useState('');
  const [clinicId, setClinicId] = useState<string | null>(null);
  const [inputError, setInputError] = useState<string | null>(null);
  const input = useRef<HTMLInputElement>(null);
  const chosen = clinicId ?? redeemClinics(null, clinics.clinics ?? [], clinics.ownClinicIds).defaultId ?? '';

  const submit = async (raw: string) => {
    const parsed = normaliseCouponCode(raw);
    if (!parsed.ok) {
      setInputError(parsed.error);
      return;
    }
    setInputError(null);
    if (await onRedeem(parsed.code, chosen)) setCode('');
    input.current?.focus();
  };

  const scanNow = async () => {
    if (!scan) return;
    try {
      const text = await scan();
      setCode(text);
      await submit(text);
    } catch (reason) {
      setInputError(`扫码失败：${describeError(reason)}`);
    }
  };

  return (
    <form
      className="coupon-code"
      data-testid="coupon-code-form"
      onSubmit={(event) => {
        event.preventDefault();
        if (!busy) void submit(code);
      }}
    >
      <span className="field__label">扫码核销 Redeem the code the patient shows</span>
      <div className="row">
        <input
          ref={input}
          className="input mono coupon-code__input"
          data-testid="coupon-code-input"
          placeholder="输入或扫描券码"
          autoComplete="off"
          spellCheck={false}
          enterKeyHint="go"
          value={code}
          onChange={(event) => {
            setCode(event.target.value);
            setInputError(null);
          }}
        />
        {scan ? (
          <button
            type="button"
            className="button button--small"
            data-testid="coupon-code-scan"
            disabled={busy}
            onClick={() => void scanNow()}
          >
            扫码
          </button>
        ) : null}
      </div>
      <div className="row">
        <ClinicSelect
          coupon={null}
          context={clinics}
          value={chosen}
          onChange={setClinicId}
          testId="coupon-code-clinic"
        />
        <button
          type="submit"
          className="button button--small button--primary"
          data-testid="coupon-code-submit"
          disabled={busy || !chosen}
        >
          {busy ? '核销中…' : '核销'}
        </button>
      </div>
      {inputError ? (
        <p className="field-error" role="alert" data-testid="coupon-code-error">
          {inputError}
        </p>
      ) : null}
      {message ? (
        <p
          className={message.kind === 'ok' ? 'coupon__message small' : 'field-error'}
          role={message.kind === 'ok' ? 'status' : 'alert'}
          data-testid="coupon-code-result"
          data-state={message.kind}
        >
          {message.text}
        </p>
      ) : null}
    </form>
  );
}

export function Coupons({
  customerId,
  staff,
  scan,
  onChanged,
}: {
  customerId: string;
  staff: StaffProfile;
  scan: (() => Promise<string>) | null;
  /** A redemption or undo added an event to the timeline. */
  onChanged(): void;
}) {
  const coupons = useResource(
    `coupons:${customerId}`,
    () => api.customerCoupons(customerId),
    (reason) => explainCouponError(reason, 'redeem'),
  );
  const clinics = useRedeemClinics(staff.id);
  const { services } = useServices();
  const now = useNow(30_000);
  const [busyId, setBusyId] = useState<string | null>(null);
  const [message, setMessage] = useState<Message | null>(null);
  const [showEnded, setShowEnded] = useState(false);

  const serviceName = useCallback((id: string) => services?.find((service) => service.id === id)?.name, [services]);
  const clinicName = (id: string) => clinics.clinics?.find((clinic) => clinic.id === id)?.name ?? '';
  const replace = (next: Coupon) => coupons.patch((list) => list.map((item) => (item.id === next.id ? next : item)));
  const groups = useMemo(() => groupCoupons(coupons.data ?? [], now), [coupons.data, now]);

  const run = async (id: string, action: () => Promise<string>, fail: (reason: unknown) => string) => {
    setBusyId(id);
    setMessage(null);
    try {
      setMessage({ id, kind: 'ok', text: await action() });
      onChanged();
      return true;
    } catch (reason) {
      setMessage({ id, kind: 'error', text: fail(reason) });
      // Someone may have redeemed it meanwhile: show how it stands now.
      coupons.reload();
      return false;
    } finally {
      setBusyId(null);
    }
  };

  const redeem = (coupon: Coupon, clinicId: string) =>
    run(
      coupon.id,
      async () => {
        const next = await api.redeemCoupon(customerId, coupon.id, clinicId);
        replace(next);
        return `核销成功：${next.template.name} · ${next.redemption?.clinic.name ?? clinicName(clinicId)}`;
      },
      (reason) => explainCouponError(reason, 'redeem'),
    );

  const undo = (coupon: Coupon) =>
    run(
      coupon.id,
      async () => {
        const next = await api.undoRedemption(coupon.id);
        replace(next);
        return `已撤销核销：${next.template.name} 恢复为可使用`;
      },
      (reason) => explainCouponError(reason, 'undo'),
    );

  const redeemByCode = (code: string, clinicId: string) =>
    run(
      'code',
      async () => {
        const next = await api.redeemCouponByCode(code, clinicId);
        const where = next.redemption?.clinic.name ?? clinicName(clinicId);
        if (next.customerId === customerId) {
          coupons.patch((list) =>
            list.some((item) => item.id === next.id)
              ? list.map((item) => (item.id === next.id ? next : item))
              : [next, ...list],
          );
          return `核销成功：${next.template.name} · ${where}`;
        }
        // A coupon of someone other than the customer in this chat: redeemed, but say so.
        return `核销成功：${next.template.name} · ${where}（注意：这张券不属于当前聊天的客户）`;
      },
      (reason) => explainCouponError(reason, 'redeem-by-code'),
    );

  const { state } = coupons;
  const shownGroups = showEnded ? groups : groups.filter((group) => group.id !== 'ended');
  const endedCount = groups.find((group) => group.id === 'ended')?.items.length ?? 0;

  return (
    <section className="card coupons" aria-label="优惠券 Coupons" data-testid="coupons">
      <div className="appointments__head">
        <h2 className="card__title">
          优惠券 <span className="muted small">Coupons</span>
        </h2>
        <button
          type="button"
          className="link-button"
          data-testid="coupons-refresh"
          disabled={state.status === 'loading'}
          onClick={coupons.reload}
        >
          刷新
        </button>
      </div>
      {clinics.error ? (
        <p className="field-error" role="alert">
          无法读取门店：{clinics.error}
        </p>
      ) : null}
      {state.status === 'loading' || state.status === 'idle' ? (
        <p className="muted small">加载中… Loading</p>
      ) : state.status === 'failed' ? (
        <p className="field-error" role="alert">
          优惠券加载失败：{state.message}{' '}
          <button type="button" className="link-button" onClick={coupons.reload}>
            重试 Retry
          </button>
        </p>
      ) : !state.data.length ? (
        <p className="muted small" data-testid="coupons-empty">
          暂无优惠券 No coupons
        </p>
      ) : (
        <>
          {shownGroups.map((group) => (
            <div key={group.id} data-testid="coupon-group" data-group={group.id}>
              <h3 className="appointments__group">{group.label}</h3>
              <ol className="appointments__list">
                {group.items.map((coupon) => (
                  <CouponRow
                    key={coupon.id}
                    coupon={coupon}
                    staff={staff}
                    now={now}
                    clinics={clinics}
                    serviceName={serviceName}
                    busy={busyId === coupon.id}
                    message={message?.id === coupon.id ? message : null}
                    onRedeem={(clinicId) => redeem(coupon, clinicId)}
                    onUndo={() => void undo(coupon)}
                  />
                ))}
              </ol>
            </div>
          ))}
          {endedCount ? (
            <button type="button" className="link-button" onClick={() => setShowEnded((value) => !value)}>
              {showEnded ? '收起已过期 / 作废' : `显示已过期 / 作废 ${endedCount} 张`}
            </button>
          ) : null}
        </>
      )}
      <CodeBox
        clinics={clinics}
        scan={scan}
        busy={busyId === 'code'}
        message={message?.id === 'code' ? message : null}
        onRedeem={redeemByCode}
      />
    </section>
  );
}
