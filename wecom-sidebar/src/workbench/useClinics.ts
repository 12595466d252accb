/** The organisation's clinics, and which one the workbench shows (kept for the tab, shared by its pages). */
import { useCallback, useEffect, useState } from 'react';
import type { Clinic } from '../appointments/types';
import { sessionStore } from '../api/storage';
import { explainAppointmentError } from '../appointments/errors';
import { api } from '../shell/runtime';

const CLINIC_KEY = 'careloop.wecom.workbench.clinic';

export interface ClinicsController {
  clinics: Clinic[] | null;
  error: string | null;
  clinic: Clinic | null;
  choose(clinicId: string): void;
}

export function useClinics(staffId: string | null): ClinicsController {
  const [clinics, setClinics] = useState<Clinic[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [clinicId, setClinicId] = useState<string | null>(() => sessionStore.getItem(CLINIC_KEY));

  useEffect(() => {
    if (!staffId) {
      setClinics(null);
      return;
    }
    let active = true;
    setError(null);
    api.clinics().then(
      (list) => {
        if (active) setClinics(list);
      },
      (reason: unknown) => {
        if (!active) return;
        setClinics([]);
        setError(`无法读取门店：${explainAppointmentError(reason, 'action')} (Could not list clinics)`);
      },
    );
    return () => {
      active = false;
    };
  }, [staffId]);

  const choose = useCallback((id: string) => {
    sessionStore.setItem(CLINIC_KEY, id);
    setClinicId(id);
  }, []);

  // The chosen clinic, or the first one (a remembered clinic of another organisation is ignored).
  const clinic = clinics?.find((item) => item.id === clinicId) ?? clinics?.[0] ?? null;
  return { clinics, error, clinic, choose };
}
