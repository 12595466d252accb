/**
 * 优惠券模板: what a campaign's coupon gives (amount off, percent off, a free service, a gift), where and how long it
 * is good, how many there are, how many one person may hold, who may claim it and whether it stacks. Managers and
 * admins add templates, pause them (issued coupons stay valid) and change the stock.
 */
import type { StaffProfile } from '@careloop/shared';
import { useMemo, useState } from 'react';
import {
  COUPON_KIND_LABELS,
  couponValueText,
  eligibilityText,
  ELIGIBILITY_LABELS,
  validityText,
} from '../coupons/couponView';
import { explainCouponError } from '../coupons/errors';
import {
  buildCouponTemplateRequest,
  checkStockChange,
  COUPON_TEMPLATE_LIMITS,
  emptyCouponTemplateDraft,
  stockText,
  type CouponTemplateDraft,
} from '../coupons/templateForm';
import type { CouponKind, CouponTemplate } from '../coupons/types';
import { canManageCampaigns } from '../profile/roles';
import {
  CheckList,
  Field,
  FieldError,
  NumberField,
  NumberInput,
  OutcomeLine,
  SelectField,
  TextField,
  type Outcome,
} from '../shell/Field';
import { api } from '../shell/runtime';
import { useDraft } from '../shell/useDraft';
import { useResource } from '../shell/useResource';
import { useServices } from '../shell/useServices';
import type { ClinicsController } from './useClinics';

const explain = (reason: unknown) => explainCouponError(reason, 'manage');
const KINDS = Object.keys(COUPON_KIND_LABELS) as CouponKind[];
const ELIGIBILITIES = Object.keys(ELIGIBILITY_LABELS) as CouponTemplateDraft['eligibility'][];

type Option = { id: string; label: string };

function KindValueField({
  draft,
  errors,
  bind,
}: Pick<ReturnType<typeof useDraft<CouponTemplateDraft>>, 'draft' | 'errors' | 'bind'>) {
  switch (draft.kind) {
    case 'amount_off':
      return (
        <NumberField
          label="减免金额 Amount off"
          testId="coupon-template-amount"
          kind="decimal"
          suffix="元"
          placeholder="如 50"
          {...bind('amountOffYuan')}
        />
      );
    case 'percent_off':
      return (
        <NumberField
          label="减免比例 Percent off"
          hint="（20 即 8 折）"
          testId="coupon-template-percent"
          min={COUPON_TEMPLATE_LIMITS.percentOff.min}
          max={COUPON_TEMPLATE_LIMITS.percentOff.max}
          suffix="%"
          {...bind('percentOff')}
        />
      );
    case 'gift':
      return (
        <TextField
          label="赠品 Gift"
          testId="coupon-template-gift"
          maxLength={COUPON_TEMPLATE_LIMITS.gift + 10}
          placeholder="如：电动牙刷一支"
          {...bind('giftDescription')}
        />
      );
    case 'free_service':
      return (
        <Field label="免费服务 Free service" error={errors.serviceIds}>
          <p className="muted small field__note">在下方「适用服务」中选择免费的服务。</p>
        </Field>
      );
  }
}

function CouponTemplateForm({
  clinics,
  services,
  onCreated,
}: {
  clinics: Option[] | null;
  services: Option[] | null;
  onCreated(template: CouponTemplate): void;
}) {
  const form = useDraft<CouponTemplateDraft>(() => emptyCouponTemplateDraft());
  const { draft, errors, set, bind, setErrors, reset } = form;
  const [saving, setSaving] = useState(false);
  const [outcome, setOutcome] = useState<Outcome>(null);

  const submit = async (event: React.FormEvent) => {
    event.preventDefault();
    setOutcome(null);
    const result = buildCouponTemplateRequest(draft);
    if (!result.ok) {
      setErrors(result.errors);
      return;
    }
    setSaving(true);
    try {
      const created = await api.createCouponTemplate(result.request);
      setOutcome({ kind: 'ok', text: `已添加优惠券「${created.name}」：${couponValueText(created)}` });
      reset(emptyCouponTemplateDraft());
      onCreated(created);
    } catch (reason) {
      setOutcome({ kind: 'error', text: explain(reason) });
    } finally {
      setSaving(false);
    }
  };

  return (
    <form
      className="card sched-form"
      data-testid="coupon-template-form"
      onSubmit={(event) => void submit(event)}
      noValidate
    >
      <h2 className="card__title">
        新建优惠券 <span className="muted small">New coupon template</span>
      </h2>
      <fieldset className="sched-form__fields" disabled={saving}>
        <div className="form-grid">
          <TextField
            label="名称 Name"
            testId="coupon-template-name"
            maxLength={COUPON_TEMPLATE_LIMITS.name + 10}
            placeholder="如：洗牙立减 50 元"
            {...bind('name')}
          />
          <SelectField
            label="类型 Kind"
            testId="coupon-template-kind"
            options={KINDS}
            labels={COUPON_KIND_LABELS}
            {...bind('kind')}
          />
          <KindValueField draft={draft} errors={errors} bind={bind} />
          <NumberField
            label="最低消费 Min spend"
            hint="（0 表示不限）"
            testId="coupon-template-min-spend"
            kind="decimal"
            suffix="元"
            {...bind('minSpendYuan')}
          />
          <TextField
            label="说明 Description"
            hint="（可选，领券页展示）"
            wide
            testId="coupon-template-description"
            maxLength={COUPON_TEMPLATE_LIMITS.description + 10}
            {...bind('description')}
          />
          <Field label="有效期 Validity" group>
            <div className="row">
              <label className="check">
                <input
                  type="radio"
                  name="coupon-validity"
                  data-testid="coupon-template-validity-days"
                  checked={draft.validityType === 'days_after_claim'}
                  onChange={() => set('validityType', 'days_after_claim')}
                />
                领取后 N 天
              </label>
              <label className="check">
                <input
                  type="radio"
                  name="coupon-validity"
                  data-testid="coupon-template-validity-fixed"
                  checked={draft.validityType === 'fixed'}
                  onChange={() => set('validityType', 'fixed')}
                />
                固定日期
              </label>
            </div>
          </Field>
          {draft.validityType === 'days_after_claim' ? (
            <NumberField
              label="有效天数 Days"
              testId="coupon-template-days"
              min={COUPON_TEMPLATE_LIMITS.validDays.min}
              max={COUPON_TEMPLATE_LIMITS.validDays.max}
              suffix="天"
              {...bind('validDays')}
            />
          ) : (
            <Field label="日期 Dates" group error={errors.validFrom ?? errors.validTo}>
              <div className="field-row">
                <input
                  type="date"
                  className="input"
                  aria-label="开始日期 From"
                  data-testid="coupon-template-valid-from"
                  value={draft.validFrom}
                  onChange={(event) => set('validFrom', event.target.value)}
                />
                <input
                  type="date"
                  className="input"
                  aria-label="结束日期 To"
                  data-testid="coupon-template-valid-to"
                  value={draft.validTo}
                  onChange={(event) => set('validTo', event.target.value)}
                />
              </div>
            </Field>
          )}
          <NumberField
            label="总库存 Total stock"
            testId="coupon-template-stock"
            min={COUPON_TEMPLATE_LIMITS.stock.min}
            suffix="张"
            {...bind('totalStock')}
          />
          <NumberField
            label="每人限领 Per person"
            testId="coupon-template-limit"
            min={COUPON_TEMPLATE_LIMITS.perPerson.min}
            max={COUPON_TEMPLATE_LIMITS.perPerson.max}
            suffix="张"
            {...bind('perPersonLimit')}
          />
          <SelectField
            label="领取条件 Who may claim"
            testId="coupon-template-eligibility"
            options={ELIGIBILITIES}
            labels={ELIGIBILITY_LABELS}
            {...bind('eligibility')}
          />
          {draft.eligibility === 'tagged' ? (
            <TextField
              label="标签 Tag"
              testId="coupon-template-tag"
              placeholder="如：种植意向"
              {...bind('eligibilityTag')}
            />
          ) : null}
          <Field label="叠加 Stacking" group>
            <label className="check">
              <input
                type="checkbox"
                data-testid="coupon-template-stackable"
                checked={draft.stackable}
                onChange={(event) => set('stackable', event.target.checked)}
              />
              可与其他优惠券同时使用
            </label>
          </Field>
        </div>
        <Field label="适用门店 Clinics" hint="（不选即全部门店）" group error={errors.clinicIds}>
          <CheckList
            options={clinics}
            value={draft.clinicIds}
            onChange={(next) => set('clinicIds', next)}
            testId="coupon-template-clinic"
            empty="没有门店 No clinics"
          />
        </Field>
        <Field
          label="适用服务 Services"
          hint={draft.kind === 'free_service' ? '（免费的服务，至少选一项）' : '（不选即全部服务）'}
          group
          error={draft.kind === 'free_service' ? undefined : errors.serviceIds}
        >
          <CheckList
            options={services}
            value={draft.serviceIds}
            onChange={(next) => set('serviceIds', next)}
            testId="coupon-template-service"
            empty="没有服务 No services"
          />
        </Field>
      </fieldset>
      <div className="row sched-form__foot">
        <span className="muted small" data-testid="coupon-template-preview">
          {previewText(draft)}
        </span>
        <button type="submit" className="button button--primary" data-testid="coupon-template-submit" disabled={saving}>
          {saving ? '保存中…' : '创建优惠券 Create'}
        </button>
      </div>
      <OutcomeLine outcome={outcome} testId="coupon-template-result" />
    </form>
  );
}

/** What the coupon will give, as far as the draft says it. */
function previewText(draft: CouponTemplateDraft): string {
  const result = buildCouponTemplateRequest(draft);
  return result.ok ? `${couponValueText(result.request)} · ${validityText(result.request.validity)}` : '';
}

function StockEditor({ template, onSaved }: { template: CouponTemplate; onSaved(next: CouponTemplate): void }) {
  const [open, setOpen] = useState(false);
  const [value, setValue] = useState(String(template.totalStock));
  const [error, setError] = useState<string | undefined>();
  const [busy, setBusy] = useState(false);
  if (!open) {
    return (
      <button
        type="button"
        className="link-button"
        data-testid="coupon-template-stock-edit"
        onClick={() => {
          setValue(String(template.totalStock));
          setError(undefined);
          setOpen(true);
        }}
      >
        改库存
      </button>
    );
  }
  const save = async () => {
    const checked = checkStockChange(template, value);
    if (!checked.ok) {
      setError(checked.errors.stock);
      return;
    }
    setBusy(true);
    try {
      onSaved(await api.updateCouponTemplate(template.id, { totalStock: checked.request }));
      setOpen(false);
    } catch (reason) {
      setError(explain(reason));
    } finally {
      setBusy(false);
    }
  };
  return (
    <div className="inline-edit">
      <div className="row">
        <NumberInput
          className="inline-edit__input"
          testId="coupon-template-stock-input"
          ariaLabel="总库存 Total stock"
          min={Math.max(1, template.issued)}
          value={value}
          onChange={setValue}
        />
        <button
          type="button"
          className="button button--small button--primary"
          data-testid="coupon-template-stock-save"
          disabled={busy}
          onClick={() => void save()}
        >
          保存
        </button>
        <button type="button" className="button button--small" disabled={busy} onClick={() => setOpen(false)}>
          取消
        </button>
      </div>
      <FieldError message={error} />
    </div>
  );
}

export function CouponTemplatesPage({ staff, clinics }: { staff: StaffProfile; clinics: ClinicsController }) {
  const editable = canManageCampaigns(staff);
  const templates = useResource(editable ? 'coupon-templates' : null, api.couponTemplates, explain);
  const { services } = useServices();
  const [busyId, setBusyId] = useState<string | null>(null);
  const [outcome, setOutcome] = useState<Outcome>(null);
  const clinicOptions = useMemo(
    () => clinics.clinics?.map((clinic) => ({ id: clinic.id, label: clinic.name })) ?? null,
    [clinics.clinics],
  );
  const serviceOptions = useMemo(
    () => services?.map((service) => ({ id: service.id, label: service.name })) ?? null,
    [services],
  );
  const clinicName = (id: string) =>
    clinics.clinics?.find((clinic) => clinic.id === id)?.name ?? `门店 …${id.slice(-6)}`;
  const serviceName = (id: string) => services?.find((service) => service.id === id)?.name;
  const replace = (next: CouponTemplate) =>
    templates.patch((list) => list.map((item) => (item.id === next.id ? next : item)));

  const togglePause = async (template: CouponTemplate) => {
    setBusyId(template.id);
    setOutcome(null);
    try {
      const next = await api.updateCouponTemplate(template.id, { paused: !template.paused });
      replace(next);
      setOutcome({ kind: 'ok', text: `${next.paused ? '已暂停发放' : '已恢复发放'}「${next.name}」` });
    } catch (reason) {
      setOutcome({ kind: 'error', text: explain(reason) });
    } finally {
      setBusyId(null);
    }
  };

  if (!editable) {
    return (
      <p className="readonly-note" role="note">
        只有店长或管理员可以管理优惠券。 Only managers and admins manage coupons.
      </p>
    );
  }
  const { state } = templates;
  const items = templates.data ?? [];

  return (
    <div className="page coupon-templates-page">
      <section className="card" aria-label="优惠券 Coupon templates">
        <div className="day__head">
          <h2 className="card__title">
            优惠券 <span className="muted small">Coupon templates</span>
          </h2>
          <button type="button" className="link-button" onClick={templates.reload}>
            刷新
          </button>
        </div>
        {state.status === 'loading' || state.status === 'idle' ? (
          <p className="muted">加载中… Loading</p>
        ) : state.status === 'failed' ? (
          <p className="field-error" role="alert">
            优惠券加载失败：{state.message}
          </p>
        ) : !items.length ? (
          <p className="muted" data-testid="coupon-templates-empty">
            还没有优惠券。 No coupon templates yet.
          </p>
        ) : (
          <div className="table-wrap">
            <table className="table">
              <thead>
                <tr>
                  <th>名称</th>
                  <th>优惠</th>
                  <th>有效期</th>
                  <th>适用门店</th>
                  <th>领取条件</th>
                  <th>库存</th>
                  <th>状态</th>
                  <th />
                </tr>
              </thead>
              <tbody>
                {items.map((template) => (
                  <tr
                    key={template.id}
                    data-testid="coupon-template-row"
                    data-template-id={template.id}
                    data-paused={template.paused}
                  >
                    <td>
                      <div>{template.name}</div>
                      {template.description ? <div className="muted small">{template.description}</div> : null}
                    </td>
                    <td>
                      {couponValueText(template, serviceName)}
                      {template.stackable ? <span className="muted small"> · 可叠加</span> : null}
                    </td>
                    <td className="small">{validityText(template.validity)}</td>
                    <td className="small">
                      {template.clinicIds.length ? template.clinicIds.map(clinicName).join('、') : '全部门店'}
                    </td>
                    <td className="small">
                      {eligibilityText(template.eligibility)}
                      <div className="muted">每人限领 {template.perPersonLimit}</div>
                    </td>
                    <td className="nowrap">
                      <span data-testid="coupon-template-stock-text">{stockText(template)}</span>
                      <div className="muted small">已核销 {template.redeemed}</div>
                      <StockEditor key={template.totalStock} template={template} onSaved={replace} />
                    </td>
                    <td className="nowrap">
                      <span className={`status status--${template.paused ? 'pending' : 'done'}`}>
                        {template.paused ? '已暂停' : '发放中'}
                      </span>
                    </td>
                    <td className="nowrap table__actions">
                      <button
                        type="button"
                        className="button button--small"
                        data-testid="coupon-template-pause"
                        disabled={busyId === template.id}
                        onClick={() => void togglePause(template)}
                      >
                        {template.paused ? '恢复 Resume' : '暂停 Pause'}
                      </button>
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
        <OutcomeLine outcome={outcome} testId="coupon-templates-outcome" />
      </section>
      <CouponTemplateForm
        clinics={clinicOptions}
        services={serviceOptions}
        onCreated={(created) => templates.patch((list) => [created, ...list])}
      />
    </div>
  );
}
