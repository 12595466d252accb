/**
 * What happens when a WeCom callback arrives: every handler, in this order, for every queued callback
 * (platform/wecom/callbacks.ts). A domain that reacts to WeCom callbacks appends its handler here; identity comes
 * first, so the handlers after it find the external contact already linked to its customer. Each handler must be
 * idempotent and is re-run only until it has finished once for an item.
 */
import type { WecomCallbackHandler } from './platform/wecom/callbacks';
import { identityWecomCallbackHandler } from './identity/wecomContacts';
import { campaignWecomCallbackHandler } from './campaigns/welcome';
import { handoverWecomCallbackHandler } from './tasks/handover';

export const wecomCallbackHandlers: WecomCallbackHandler[] = [
  identityWecomCallbackHandler,
  campaignWecomCallbackHandler,
  handoverWecomCallbackHandler,
];
