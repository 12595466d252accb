/** Edit base data: name, kind, gender, birthday, HCP details for HCPs, and a phone number staff were given. */
import type { Customer360, CustomerKind, UpdateCustomerRequest } from '@careloop/shared';
import { useState } from 'react';
import { KIND_LABELS } from '../labels';
import { buildCustomerUpdate, draftFromCustomer, type EditDraft, type EditField } from '../profile/editForm';
import { dayKey } from '../profile/format';
import { GENDER_LABELS, type Gender } from '../profile/profileView';
import { SelectInput } from '../shell/Field';

const CUSTOMER_KINDS = Object.keys(KIND_LABELS) as CustomerKind[];
const GENDERS = Object.keys(GENDER_LABELS) as Gender[];

function Field({
  id,
  label,
  error,
  children,
}: {
  id: string;
  label: string;
  error?: string;
  children: React.ReactNode;
}) {
  return (
    <div className="field">
      <label className="field__label" htmlFor={id}>
        {label}
      </label>
      {children}
      {error ? (
        <p className="field-error" role="alert">
          {error}
        </p>
      ) : null}
    </div>
  );
}

export function EditForm({
  customer,
  onSave,
  onClose,
}: {
  customer: Customer360['customer'];
  /** Resolves true when saved. */
  onSave(changes: UpdateCustomerRequest): Promise<boolean>;
  onClose(): void;
}) {
  const [draft, setDraft] = useState<EditDraft>(() => draftFromCustomer(customer));
  const [errors, setErrors] = useState<Partial<Record<EditField, string>>>({});
  const [saving, setSaving] = useState(false);
  const today = dayKey(new Date());
  const set = <K extends EditField>(field: K, value: EditDraft[K]) => {
    setDraft((current) => ({ ...current, [field]: value }));
    setErrors((current) => ({ ...current, [field]: undefined }));
  };
  const text = (field: EditField, max: number, placeholder = '') => ({
    id: `edit-${field}`,
    className: 'input',
    'data-testid': `edit-${field}`,
    maxLength: max,
    placeholder,
    value: draft[field],
    onChange: (event: React.ChangeEvent<HTMLInputElement>) => set(field, event.target.value),
  });

  const save = (event: React.FormEvent) => {
    event.preventDefault();
    const result = buildCustomerUpdate(customer, draft, today);
    if (!result.ok) {
      setErrors(result.errors);
      return;
    }
    if (!Object.keys(result.changes).length) {
      onClose();
      return;
    }
    setSaving(true);
    void onSave(result.changes).then((saved) => {
      setSaving(false);
      if (saved) onClose();
    });
  };

  return (
    <form className="card edit" data-testid="edit-form" onSubmit={save} noValidate>
      <h2 className="card__title">
        编辑资料 <span className="muted small">Edit base data</span>
      </h2>
      <Field id="edit-name" label="姓名 Name" error={errors.name}>
        <input {...text('name', 40, '客户姓名')} autoComplete="off" />
      </Field>
      <div className="field-row">
        <Field id="edit-kind" label="类型 Kind">
          <SelectInput
            id="edit-kind"
            testId="edit-kind"
            options={CUSTOMER_KINDS}
            labels={KIND_LABELS}
            value={draft.kind}
            onChange={(kind) => set('kind', kind)}
          />
        </Field>
        <Field id="edit-gender" label="性别 Gender">
          <SelectInput
            id="edit-gender"
            testId="edit-gender"
            empty="未填写"
            options={GENDERS}
            labels={GENDER_LABELS}
            value={draft.gender}
            onChange={(gender) => set('gender', gender)}
          />
        </Field>
      </div>
      <Field id="edit-birthday" label="生日 Birthday" error={errors.birthday}>
        <input {...text('birthday', 10, 'YYYY-MM-DD')} type="date" min="1900-01-01" max={today} />
      </Field>
      {draft.kind === 'hcp' ? (
        <>
          <Field id="edit-hospital" label="医院 Hospital" error={errors.hospital}>
            <input {...text('hospital', 80)} />
          </Field>
          <div className="field-row">
            <Field id="edit-department" label="科室 Department" error={errors.department}>
              <input {...text('department', 80)} />
            </Field>
            <Field id="edit-title" label="职称 Title" error={errors.title}>
              <input {...text('title', 40)} />
            </Field>
          </div>
        </>
      ) : null}
      {customer.phone?.verified ? null : (
        <Field id="edit-phone" label="手机号 Phone (客户告知)" error={errors.phone}>
          <input
            {...text('phone', 40, customer.phone ? `当前 ${customer.phone.masked}，留空不变` : '11 位手机号')}
            type="tel"
            inputMode="tel"
            autoComplete="off"
          />
        </Field>
      )}
      <div className="row row--end">
        <button type="button" className="button" data-testid="edit-cancel" disabled={saving} onClick={onClose}>
          取消
        </button>
        <button type="submit" className="button button--primary" data-testid="edit-save" disabled={saving}>
          {saving ? '保存中…' : '保存 Save'}
        </button>
      </div>
    </form>
  );
}
