/**
 * The clinics a coupon can be redeemed at, and the signed-in staff member's own (the default choice), fetched once
 * per page: the clinic list, and the staff list for the staff member's clinics (without it, no default but the first).
 */
import { useEffect, useState } from 'react';
import type { Clinic } from '../appointments/types';
import { describeError } from '../api/errors';
import { api } from '../shell/runtime';

export interface RedeemClinics {
  clinics: Clinic[] | null;
  /** The staff member's clinics, in their order. */
  ownClinicIds: string[];
  error: string | null;
}

let loading: Promise<{ clinics: Clinic[]; ownClinicIds: string[] }> | null = null;
let loadingFor: string | null = null;

export function useRedeemClinics(staffId: string): RedeemClinics {
  const [state, setState] = useState<RedeemClinics>({ clinics: null, ownClinicIds: [], error: null });
  useEffect(() => {
    let active = true;
    if (loadingFor !== staffId) {
      loadingFor = staffId;
      loading = null;
    }
    loading ??= Promise.all([
      api.clinics(),
      api.staffMembers().then(
        (members) => members.find((member) => member.id === staffId)?.clinicIds ?? [],
        () => [] as string[],
      ),
    ])
      .then(([clinics, ownClinicIds]) => ({ clinics, ownClinicIds }))
      .catch((reason: unknown) => {
        loading = null; // try again next time
        throw reason;
      });
    loading.then(
      (loaded) => {
        if (active) setState({ ...loaded, error: null });
      },
      (reason: unknown) => {
        if (active) setState({ clinics: [], ownClinicIds: [], error: describeError(reason) });
      },
    );
    return () => {
      active = false;
    };
  }, [staffId]);
  return state;
}
