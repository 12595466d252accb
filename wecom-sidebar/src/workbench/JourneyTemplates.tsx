/**
 * 模板库: the clinic SOPs shipped as journey templates — what each does, how customers enter, its steps in order and
 * the parameters it needs. A manager fills the parameters and gets a draft journey, opened in the builder to review
 * and enable.
 */
import { useState } from 'react';
import { explainJourneyError } from '../journeys/errors';
import { ENTRY_KIND_LABELS, STEP_TYPE_LABELS, TEMPLATE_PARAMETER_KIND_LABELS } from '../journeys/labels';
import { journeyHref } from '../journeys/nav';
import { journeysApi } from '../journeys/runtime';
import {
  buildTemplateRequest,
  emptyTemplateDraft,
  templateErrorsFromError,
  type TemplateDraft,
  type TemplateErrors,
} from '../journeys/templateForm';
import type { JourneyPickers } from '../journeys/usePickers';
import type { Journey, JourneyTemplate } from '../journeys/types';
import { Field, OutcomeLine, type Outcome } from '../shell/Field';
import { useResource } from '../shell/useResource';

function TemplateForm({
  template,
  pickers,
  onCreated,
  onCancel,
}: {
  template: JourneyTemplate;
  pickers: JourneyPickers;
  onCreated(journey: Journey): void;
  onCancel(): void;
}) {
  const [draft, setDraft] = useState<TemplateDraft>(() => emptyTemplateDraft(template));
  const [errors, setErrors] = useState<TemplateErrors>({});
  const [busy, setBusy] = useState(false);
  const [outcome, setOutcome] = useState<Outcome>(null);
  const setValue = (key: string, value: string) => {
    setDraft((current) => ({ ...current, values: { ...current.values, [key]: value } }));
    setErrors((current) => ({ ...current, [key]: undefined }));
  };

  const create = async () => {
    const built = buildTemplateRequest(template, draft);
    if (!built.ok) {
      setErrors(built.errors);
      return;
    }
    setBusy(true);
    setOutcome(null);
    try {
      onCreated(await journeysApi.fromTemplate(template.key, built.request));
    } catch (reason) {
      setErrors(templateErrorsFromError(reason));
      setOutcome({ kind: 'error', text: explainJourneyError(reason, 'create') });
    } finally {
      setBusy(false);
    }
  };

  return (
    <div className="jtemplate__form" data-testid="journey-template-form">
      <div className="form-grid">
        <Field label="旅程名称" hint={`（留空：${template.name}）`} error={errors.name} wide>
          <input
            className="input"
            data-testid="journey-template-name"
            maxLength={60}
            value={draft.name}
            placeholder={template.name}
            onChange={(event) => setDraft((current) => ({ ...current, name: event.target.value }))}
          />
        </Field>
        {template.parameters.map((parameter) => (
          <Field
            key={parameter.key}
            label={parameter.label}
            hint={`${TEMPLATE_PARAMETER_KIND_LABELS[parameter.kind]}${parameter.required ? '' : '（可选）'}`}
            error={errors[parameter.key]}
            wide
          >
            {parameter.kind === 'coupon_template' ? (
              <select
                className="input"
                data-testid="journey-template-parameter"
                data-parameter={parameter.key}
                value={draft.values[parameter.key] ?? ''}
                onChange={(event) => setValue(parameter.key, event.target.value)}
              >
                <option value="">{parameter.required ? '请选择' : '不限'}</option>
                {(pickers.coupons ?? []).map((item) => (
                  <option key={item.id} value={item.id}>
                    {item.name}
                  </option>
                ))}
              </select>
            ) : (
              <input
                className="input"
                data-testid="journey-template-parameter"
                data-parameter={parameter.key}
                maxLength={200}
                value={draft.values[parameter.key] ?? ''}
                onChange={(event) => setValue(parameter.key, event.target.value)}
              />
            )}
          </Field>
        ))}
      </div>
      {errors.parameters ? <p className="field-error">{errors.parameters}</p> : null}
      <div className="row">
        <button
          type="button"
          className="button button--primary"
          data-testid="journey-template-create"
          disabled={busy}
          onClick={() => void create()}
        >
          {busy ? '创建中…' : '创建草稿 Create draft'}
        </button>
        <button type="button" className="link-button" onClick={onCancel}>
          取消
        </button>
      </div>
      <OutcomeLine outcome={outcome} testId="journey-template-outcome" />
    </div>
  );
}

export function JourneyTemplates({ manager, pickers }: { manager: boolean; pickers: JourneyPickers }) {
  const templates = useResource(
    'journey-templates',
    () => journeysApi.templates(),
    (reason) => explainJourneyError(reason, 'load'),
  );
  const [open, setOpen] = useState<string | null>(null);

  return (
    <section className="card" aria-label="模板库 Templates" data-testid="journey-templates">
      <h2 className="card__title">
        SOP 模板库 <span className="muted small">Clinic SOP templates</span>
      </h2>
      <p className="muted small">从模板创建的旅程是草稿：在流程图里检查每一步，再启用。</p>
      {templates.state.status === 'failed' ? (
        <p className="field-error" role="alert">
          模板加载失败：{templates.state.message}
        </p>
      ) : !templates.data ? (
        <p className="muted">加载中… Loading</p>
      ) : (
        <div className="jtemplates">
          {templates.data.map((template) => (
            <article
              key={template.key}
              className={`jtemplate${open === template.key ? ' jtemplate--open' : ''}`}
              data-testid="journey-template"
              data-template-key={template.key}
            >
              <h3 className="jtemplate__name">{template.name}</h3>
              <p className="small">{template.description}</p>
              <p className="small muted">
                {ENTRY_KIND_LABELS[template.entryKind]} · {template.steps.length} 步
              </p>
              <ol className="jtemplate__steps">
                {template.steps.map((step) => (
                  <li key={step.id} className={`jtemplate__step jtemplate__step--${step.type}`}>
                    {step.name ?? STEP_TYPE_LABELS[step.type]}
                  </li>
                ))}
              </ol>
              {manager ? (
                open === template.key ? (
                  <TemplateForm
                    template={template}
                    pickers={pickers}
                    onCancel={() => setOpen(null)}
                    onCreated={(journey) => {
                      window.location.hash = journeyHref(journey.id);
                    }}
                  />
                ) : (
                  <button
                    type="button"
                    className="button button--small"
                    data-testid="journey-template-use"
                    onClick={() => setOpen(template.key)}
                  >
                    使用此模板
                  </button>
                )
              ) : null}
            </article>
          ))}
        </div>
      )}
    </section>
  );
}
