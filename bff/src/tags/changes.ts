/**
 * Who else learns that a customer's tag changed: the seam for mirroring tags elsewhere, e.g. the WeCom corp-tag
 * sync (`externalcontact/mark_tag` for each staff member who has the customer). A listener is called after every
 * addition or removal (manual, channel, keyword, rule), in the process that made it; it must be quick (record
 * the work in its own outbox and retry from there) and idempotent (a retried transition may tell it twice). Its
 * failure is reported and never fails or undoes the tag change.
 *
 * Not told: a merge moving a profile's tags to the survivor (mirror from the survivor's tags after
 * `profile.merged`), and an archived tag leaving every customer (mirror the library instead).
 */
export interface CustomerTagChange {
  organisationId: string;
  customerId: string;
  tagId: string;
  name: string;
  source: 'manual' | 'rule' | 'channel' | 'keyword';
  present: boolean;
  at: Date;
}

type Listener = (change: CustomerTagChange) => Promise<void>;
const listeners = new Map<string, Listener>();

export function onCustomerTagChanged(name: string, listener: Listener): void {
  listeners.set(name, listener);
}

export async function notifyCustomerTagChanged(change: CustomerTagChange): Promise<void> {
  for (const [name, listener] of listeners) {
    try {
      await listener(change);
    } catch (error) {
      console.error(`tag change listener ${name} failed`, error);
    }
  }
}
