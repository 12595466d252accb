/**
 * The names of the staff a timeline page's events name, so the sidebar can say `由 李娜` for an action by someone
 * the profile does not otherwise mention: actors and task assignees by staff id, WeCom followers (`staffId` of
 * wecom.contact_added / removed, a WeCom userid) by userid. One read of the staff (through the staff service) per
 * kind of key, scoped to the organisation; ids of staff of another organisation or no one are left out.
 */
import type { TimelineEvent } from '@careloop/shared';
import { staffNamesById, staffNamesByWecomUserId } from '../staff/service';

/** Properties holding a staff member's id. */
const STAFF_ID_PROPERTIES = ['assigneeStaffId', 'fromStaffId', 'toStaffId'] as const;
/** Event types whose `staffId` is a WeCom userid. */
const WECOM_USERID_TYPES = new Set(['wecom.contact_added', 'wecom.contact_removed']);
const OBJECT_ID = /^[0-9a-f]{24}$/i;

export async function timelineStaffNames(
  organisationId: string,
  items: readonly Pick<TimelineEvent, 'type' | 'actor' | 'properties'>[],
): Promise<Record<string, string>> {
  const ids = new Set<string>();
  const userids = new Set<string>();
  for (const item of items) {
    if (item.actor && OBJECT_ID.test(item.actor)) ids.add(item.actor);
    for (const property of STAFF_ID_PROPERTIES) {
      const value = item.properties[property];
      if (typeof value === 'string' && OBJECT_ID.test(value)) ids.add(value);
    }
    const userid = item.properties.staffId;
    if (WECOM_USERID_TYPES.has(item.type) && typeof userid === 'string' && userid) userids.add(userid);
  }
  const [byId, byUserid] = await Promise.all([
    ids.size ? staffNamesById(organisationId, [...ids]) : new Map<string, string>(),
    userids.size ? staffNamesByWecomUserId(organisationId, [...userids]) : new Map<string, string>(),
  ]);
  return Object.fromEntries([...byUserid, ...byId]);
}
