/**
 * The coupon template form. The draft holds what the inputs hold (strings, yuan); `buildCouponTemplateRequest` checks
 * it with the rules the BFF enforces (CreateCouponTemplateRequest in shared/src/coupons.ts): the value field that
 * matches the kind and no other, free-service coupons name their services, fixed validity ends after it starts.
 */
import { checkTagName } from '../profile/tags';
import { isoToZonedInput, wholeNumber, yuanToFen, zonedEndOfDayIso, zonedToIso, type FormResult } from '../shell/forms';
import type { CouponEligibility, CouponKind, CouponTemplate, CreateCouponTemplateRequest } from './types';

export const COUPON_TEMPLATE_LIMITS = {
  name: 40,
  description: 500,
  gift: 100,
  maxFen: 100_000_00,
  validDays: { min: 1, max: 3650 },
  stock: { min: 1, max: 1_000_000 },
  perPerson: { min: 1, max: 100 },
  percentOff: { min: 1, max: 99 },
  ids: 50,
} as const;

export interface CouponTemplateDraft {
  name: string;
  description: string;
  kind: CouponKind;
  /** amount_off, in yuan. */
  amountOffYuan: string;
  /** percent_off: 1–99. */
  percentOff: string;
  giftDescription: string;
  minSpendYuan: string;
  serviceIds: string[];
  clinicIds: string[];
  validityType: 'days_after_claim' | 'fixed';
  validDays: string;
  /** Fixed validity: YYYY-MM-DD, from the start of the first day to the end of the last, the organisation's days. */
  validFrom: string;
  validTo: string;
  totalStock: string;
  perPersonLimit: string;
  eligibility: CouponEligibility['type'];
  eligibilityTag: string;
  stackable: boolean;
}

export type CouponTemplateField = keyof CouponTemplateDraft;

export function emptyCouponTemplateDraft(now: Date = new Date()): CouponTemplateDraft {
  const today = isoToZonedInput(now).slice(0, 10);
  return {
    name: '',
    description: '',
    kind: 'amount_off',
    amountOffYuan: '',
    percentOff: '',
    giftDescription: '',
    minSpendYuan: '0',
    serviceIds: [],
    clinicIds: [],
    validityType: 'days_after_claim',
    validDays: '30',
    validFrom: today,
    validTo: '',
    totalStock: '100',
    perPersonLimit: '1',
    eligibility: 'all',
    eligibilityTag: '',
    stackable: false,
  };
}

const length = (value: string) => [...value].length;

export function buildCouponTemplateRequest(
  draft: CouponTemplateDraft,
): FormResult<CreateCouponTemplateRequest, CouponTemplateField> {
  const limits = COUPON_TEMPLATE_LIMITS;
  const errors: Partial<Record<CouponTemplateField, string>> = {};

  const name = draft.name.trim();
  if (!name) errors.name = '请输入名称 Enter a name';
  else if (length(name) > limits.name) errors.name = `名称最多 ${limits.name} 个字`;
  const description = draft.description.trim();
  if (length(description) > limits.description) errors.description = `说明最多 ${limits.description} 个字`;

  let amountOffFen: number | null = null;
  let percentOff: number | null = null;
  let giftDescription: string | null = null;
  switch (draft.kind) {
    case 'amount_off':
      amountOffFen = yuanToFen(draft.amountOffYuan);
      if (amountOffFen === null || amountOffFen < 1 || amountOffFen > limits.maxFen) {
        errors.amountOffYuan = '请输入减免金额（元，最多两位小数） Amount in yuan';
      }
      break;
    case 'percent_off':
      percentOff = wholeNumber(draft.percentOff);
      if (percentOff === null || percentOff < limits.percentOff.min || percentOff > limits.percentOff.max) {
        errors.percentOff = `折扣 ${limits.percentOff.min}–${limits.percentOff.max}%（如 20 即 8 折）`;
      }
      break;
    case 'gift':
      giftDescription = draft.giftDescription.trim();
      if (!giftDescription) errors.giftDescription = '请写明赠送什么 Describe the gift';
      else if (length(giftDescription) > limits.gift) errors.giftDescription = `最多 ${limits.gift} 个字`;
      break;
    case 'free_service':
      break;
  }

  const minSpendFen = draft.minSpendYuan.trim() ? yuanToFen(draft.minSpendYuan) : 0;
  if (minSpendFen === null || minSpendFen > limits.maxFen) errors.minSpendYuan = '请输入最低消费（元），0 表示不限';

  const serviceIds = [...new Set(draft.serviceIds)];
  const clinicIds = [...new Set(draft.clinicIds)];
  if (draft.kind === 'free_service' && !serviceIds.length)
    errors.serviceIds = '免费服务券请选择服务 Choose the service';
  if (serviceIds.length > limits.ids) errors.serviceIds = `最多 ${limits.ids} 项服务`;
  if (clinicIds.length > limits.ids) errors.clinicIds = `最多 ${limits.ids} 家门店`;

  let validity: CreateCouponTemplateRequest['validity'] | null = null;
  if (draft.validityType === 'days_after_claim') {
    const days = wholeNumber(draft.validDays);
    if (days === null || days < limits.validDays.min || days > limits.validDays.max) {
      errors.validDays = `有效天数 ${limits.validDays.min}–${limits.validDays.max}`;
    } else validity = { type: 'days_after_claim', days };
  } else {
    const startsAt = zonedToIso(draft.validFrom);
    const endsAt = zonedEndOfDayIso(draft.validTo);
    if (!startsAt || draft.validFrom.trim().length !== 10) errors.validFrom = '请选择开始日期 Choose a start date';
    if (!endsAt) errors.validTo = '请选择结束日期 Choose an end date';
    else if (startsAt && endsAt <= startsAt) errors.validTo = '结束日期须不早于开始日期 End on or after the start';
    if (startsAt && endsAt && !errors.validFrom && !errors.validTo) validity = { type: 'fixed', startsAt, endsAt };
  }

  const totalStock = wholeNumber(draft.totalStock);
  if (totalStock === null || totalStock < limits.stock.min || totalStock > limits.stock.max) {
    errors.totalStock = `库存 ${limits.stock.min}–${limits.stock.max.toLocaleString('en-US')}`;
  }
  const perPersonLimit = wholeNumber(draft.perPersonLimit);
  if (perPersonLimit === null || perPersonLimit < limits.perPerson.min || perPersonLimit > limits.perPerson.max) {
    errors.perPersonLimit = `每人限领 ${limits.perPerson.min}–${limits.perPerson.max}`;
  }

  let eligibility: CouponEligibility = { type: 'all' };
  if (draft.eligibility === 'tagged') {
    const tag = checkTagName(draft.eligibilityTag);
    if (!tag.ok) errors.eligibilityTag = tag.message;
    else eligibility = { type: 'tagged', tag: tag.name };
  } else {
    eligibility = { type: draft.eligibility };
  }

  if (Object.keys(errors).length || !validity) return { ok: false, errors };
  return {
    ok: true,
    request: {
      name,
      description,
      kind: draft.kind,
      amountOffFen,
      percentOff,
      giftDescription,
      minSpendFen: minSpendFen!,
      serviceIds,
      clinicIds,
      validity,
      totalStock: totalStock!,
      perPersonLimit: perPersonLimit!,
      eligibility,
      stackable: draft.stackable,
    },
  };
}

/** The stock a manager may set: at least what was issued (the BFF refuses less), at most the limit. */
export function checkStockChange(template: Pick<CouponTemplate, 'issued'>, input: string): FormResult<number, 'stock'> {
  const stock = wholeNumber(input);
  const { min, max } = COUPON_TEMPLATE_LIMITS.stock;
  if (stock === null || stock < min || stock > max) return { ok: false, errors: { stock: `库存 ${min}–${max}` } };
  if (stock < template.issued) {
    return {
      ok: false,
      errors: { stock: `不能少于已发放的 ${template.issued} 张 At least the ${template.issued} issued` },
    };
  }
  return { ok: true, request: stock };
}

/** Stock left, and how full the template is, e.g. `剩余 80 / 100`. */
export function stockText(template: Pick<CouponTemplate, 'totalStock' | 'issued'>): string {
  return `剩余 ${Math.max(0, template.totalStock - template.issued)} / ${template.totalStock}`;
}
