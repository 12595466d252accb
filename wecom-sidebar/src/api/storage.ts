/**
 * Browser storage that never throws: private modes and locked-down webviews can refuse sessionStorage, and then the
 * app keeps working from memory for the life of the page.
 */
export interface KeyValueStore {
  getItem(key: string): string | null;
  setItem(key: string, value: string): void;
  removeItem(key: string): void;
}

export function safeStore(backing: () => KeyValueStore | null | undefined): KeyValueStore {
  const memory = new Map<string, string>();
  const store = () => {
    try {
      return backing() ?? null;
    } catch {
      return null;
    }
  };
  return {
    getItem(key) {
      try {
        const value = store()?.getItem(key);
        if (value !== undefined && value !== null) return value;
      } catch {
        // fall back to memory
      }
      return memory.get(key) ?? null;
    },
    setItem(key, value) {
      memory.set(key, value);
      try {
        store()?.setItem(key, value);
      } catch {
        // memory only
      }
    },
    removeItem(key) {
      memory.delete(key);
      try {
        store()?.removeItem(key);
      } catch {
        // memory only
      }
    },
  };
}

/** sessionStorage: one browser tab (one WeCom webview) keeps one session, shared by the sidebar and the workbench. */
export const sessionStore: KeyValueStore = safeStore(() => globalThis.sessionStorage);

export const STORAGE_KEYS = {
  tokens: 'careloop.wecom.tokens',
  /** Emulated context: the sandbox WeCom userid signed in as. */
  emulatedStaff: 'careloop.wecom.emulated.staff',
  /** Emulated context: the id of the customer chosen as the current external contact. */
  emulatedContact: 'careloop.wecom.emulated.contact',
} as const;
