/**
 * The venue's mini-program code (scene = the meeting key, opening the check-in page). WeChat's codes are
 * permanent, so it is generated once and stored; concurrent first requests may both generate it, and the unique
 * meeting id keeps one.
 */
import { MEETING_PAGES } from '@careloop/shared';
import type { WechatClient } from '../platform/wechat/client';
import { isDuplicateKey } from '../db/retry';
import { MeetingVenueCodeModel } from './model';
import type { MeetingDoc } from './store';

export async function venueCodePng(
  wechat: Pick<WechatClient, 'miniProgramCode'>,
  meeting: Pick<MeetingDoc, '_id' | 'key'>,
): Promise<Buffer> {
  const stored = await MeetingVenueCodeModel.findOne({ meetingId: meeting._id }).lean();
  if (stored) {
    const png: unknown = stored.png;
    // A lean read may give a BSON Binary rather than a Buffer.
    return Buffer.isBuffer(png) ? png : Buffer.from((png as { buffer: Uint8Array }).buffer);
  }
  // checkPath false: the code is valid before the mini-program version with the check-in page is released.
  const png = await wechat.miniProgramCode({ scene: meeting.key, page: MEETING_PAGES.checkIn, checkPath: false });
  try {
    await MeetingVenueCodeModel.create({ meetingId: meeting._id, png, createdAt: new Date() });
  } catch (error) {
    if (!isDuplicateKey(error)) throw error;
  }
  return png;
}
