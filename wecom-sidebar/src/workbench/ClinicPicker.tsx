import { SelectInput } from '../shell/Field';
import type { ClinicsController } from './useClinics';

export function ClinicPicker({ controller, testId }: { controller: ClinicsController; testId: string }) {
  const { clinics, clinic } = controller;
  return (
    <label className="toolbar__field">
      <span className="field__label">门店 Clinic</span>
      <SelectInput
        testId={testId}
        empty={clinics === null ? '加载中… Loading' : clinics.length === 0 ? '没有门店 No clinics' : undefined}
        options={clinics ?? []}
        value={clinic?.id ?? ''}
        disabled={!clinics?.length}
        onChange={(id) => controller.choose(id)}
      />
    </label>
  );
}
