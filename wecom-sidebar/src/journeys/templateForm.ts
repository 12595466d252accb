/**
 * Making a journey from an SOP template: a name (the template's by default) and the template's parameters (a coupon
 * template, a subscribe-message or SMS template, a tag …), with their defaults filled in and the required ones
 * checked; the server's refusal of a parameter lands on its field.
 */
import { ApiError } from '@careloop/shared/client';
import type { FieldErrors } from '../shell/forms';
import type { CreateJourneyFromTemplateRequest, JourneyTemplate } from './types';

export interface TemplateDraft {
  name: string;
  values: Record<string, string>;
}

/** `name`, or a parameter's key. */
export type TemplateErrors = FieldErrors<string>;

export function emptyTemplateDraft(template: Pick<JourneyTemplate, 'parameters'>): TemplateDraft {
  return {
    name: '',
    values: Object.fromEntries(template.parameters.map((parameter) => [parameter.key, parameter.default ?? ''])),
  };
}

export type TemplateResult =
  { ok: true; request: CreateJourneyFromTemplateRequest } | { ok: false; errors: TemplateErrors };

export function buildTemplateRequest(
  template: Pick<JourneyTemplate, 'parameters'>,
  draft: TemplateDraft,
): TemplateResult {
  const errors: TemplateErrors = {};
  const name = draft.name.trim();
  if (name.length > 60) errors.name = '名称最多 60 个字';
  const parameters: Record<string, string> = {};
  for (const parameter of template.parameters) {
    const value = (draft.values[parameter.key] ?? '').trim();
    if (value.length > 200) errors[parameter.key] = '最多 200 个字';
    else if (parameter.required && !value) errors[parameter.key] = `请填写${parameter.label}`;
    else if (value) parameters[parameter.key] = value;
  }
  if (Object.keys(errors).length) return { ok: false, errors };
  return { ok: true, request: { ...(name ? { name } : {}), parameters } };
}

/** The parameters a refused request names (`parameters.couponTemplateId`), by key. */
export function templateErrorsFromError(error: unknown): TemplateErrors {
  const errors: TemplateErrors = {};
  if (!(error instanceof ApiError) || !Array.isArray(error.details)) return errors;
  for (const item of error.details as unknown[]) {
    if (!item || typeof item !== 'object') continue;
    const { path, message } = item as { path?: unknown; message?: unknown };
    if (typeof path !== 'string' || typeof message !== 'string') continue;
    const key = path.replace(/^parameters\.?/, '') || 'parameters';
    errors[key] ??= message === 'this template needs it' ? '这个模板需要填写此项' : message;
  }
  return errors;
}
