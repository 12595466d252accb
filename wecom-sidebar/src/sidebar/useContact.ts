/** The sidebar's current external contact: from the JS-SDK inside WeCom, or picked by hand in the emulated context. */
import type { AppConfig, CustomerProfile, StaffProfile } from '@careloop/shared';
import { ApiError } from '@careloop/shared/client';
import { useCallback, useEffect, useState } from 'react';
import { describeError } from '../api/errors';
import { sessionStore, STORAGE_KEYS } from '../api/storage';
import { api } from '../shell/runtime';
import { registerJsSdk, resolveWecomContact } from '../wecom/contact';
import { wecomJsSdk } from '../wecom/jssdk';
import type { ContextMode } from '../wecom/mode';

export type ContactState =
  | { status: 'idle' }
  | { status: 'loading' }
  /** `customer` null: the WeCom contact has no customer profile in this organisation. */
  | { status: 'ready'; customer: CustomerProfile | null; externalUserId: string | null }
  | { status: 'group-chat' }
  | { status: 'failed'; message: string };

export interface ContactController {
  state: ContactState;
  /** Emulated context: make this customer the current contact. */
  choose(customer: CustomerProfile): void;
  /**
   * The profile shown changed: renamed, or merged into another profile (the survivor). Keeps the contact in step
   * without loading it again; in the emulated context the choice survives a reload.
   */
  update(customer: CustomerProfile): void;
}

type WecomIds = AppConfig['wecom'];

let registered: Promise<void> | null = null;

async function loadWecomContact(wecom: WecomIds): Promise<ContactState> {
  const deps = {
    ww: wecomJsSdk,
    wecom,
    sign: (url: string, type: 'config' | 'agentConfig') => api.jsSignature(url, type),
    findCustomer: (externalUserId: string) => api.customerByExternalUserId(externalUserId),
  };
  // Once per page: the SDK fetches the signatures itself when a call first needs them.
  registered ??= registerJsSdk(deps).catch((reason: unknown) => {
    registered = null;
    throw reason;
  });
  await registered;
  const contact = await resolveWecomContact(deps);
  if (contact.entry === 'group_chat_tools') return { status: 'group-chat' };
  return { status: 'ready', customer: contact.customer, externalUserId: contact.externalUserId };
}

export function useContact(
  mode: ContextMode | null,
  wecom: WecomIds | null,
  staff: StaffProfile | null,
): ContactController {
  const [state, setState] = useState<ContactState>({ status: 'idle' });
  const staffId = staff?.id ?? null;
  const corpId = wecom?.corpId ?? null;
  const agentId = wecom?.agentId ?? null;

  useEffect(() => {
    if (!staffId || (mode !== 'wecom' && mode !== 'emulated')) {
      setState({ status: 'idle' });
      return;
    }
    let active = true;
    const settle = (next: ContactState) => {
      if (active) setState(next);
    };
    if (mode === 'wecom') {
      if (corpId === null || agentId === null) return;
      setState({ status: 'loading' });
      loadWecomContact({ corpId, agentId }).then(settle, (reason: unknown) =>
        settle({ status: 'failed', message: describeError(reason) }),
      );
    } else {
      const id = sessionStore.getItem(STORAGE_KEYS.emulatedContact);
      if (!id) {
        setState({ status: 'idle' });
      } else {
        setState({ status: 'loading' });
        api.customer(id).then(
          (customer) => settle({ status: 'ready', customer, externalUserId: null }),
          (reason: unknown) => {
            // Another organisation's customer (after switching staff) or a deleted one: forget the choice.
            if (reason instanceof ApiError && (reason.status === 404 || reason.status === 403)) {
              sessionStore.removeItem(STORAGE_KEYS.emulatedContact);
              settle({ status: 'idle' });
            } else {
              settle({ status: 'failed', message: describeError(reason) });
            }
          },
        );
      }
    }
    return () => {
      active = false;
    };
  }, [mode, staffId, corpId, agentId]);

  const choose = useCallback((customer: CustomerProfile) => {
    sessionStore.setItem(STORAGE_KEYS.emulatedContact, customer.id);
    setState({ status: 'ready', customer, externalUserId: null });
  }, []);

  const update = useCallback(
    (customer: CustomerProfile) => {
      if (mode === 'emulated') sessionStore.setItem(STORAGE_KEYS.emulatedContact, customer.id);
      setState((current) => {
        if (current.status !== 'ready' || !current.customer) return current;
        const before = current.customer;
        if (before.id === customer.id && before.name === customer.name && before.kind === customer.kind) return current;
        const { id, organisationId, kind, name, phone, createdAt } = customer;
        return { ...current, customer: { id, organisationId, kind, name, phone, createdAt } };
      });
    },
    [mode],
  );

  return { state, choose, update };
}
