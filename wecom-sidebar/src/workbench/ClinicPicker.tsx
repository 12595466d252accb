import type { ClinicsController } from './useClinics';

export function ClinicPicker({ controller, testId }: { controller: ClinicsController; testId: string }) {
  const { clinics, clinic } = controller;
  return (
    <label className="toolbar__field">
      <span className="field__label">门店 Clinic</span>
      <select
        className="input"
        data-testid={testId}
        value={clinic?.id ?? ''}
        disabled={!clinics?.length}
        onChange={(event) => controller.choose(event.target.value)}
      >
        {clinics === null ? <option value="">加载中… Loading</option> : null}
        {clinics?.length === 0 ? <option value="">没有门店 No clinics</option> : null}
        {(clinics ?? []).map((item) => (
          <option key={item.id} value={item.id}>
            {item.name}
          </option>
        ))}
      </select>
    </label>
  );
}
