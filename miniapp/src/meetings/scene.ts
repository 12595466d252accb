/**
 * Which meeting the check-in page checks in to. The venue's mini-program code (`wxacode.getUnlimited`) opens the
 * page with the meeting key as `scene`, URL-encoded by WeChat (hence decodeURIComponent); the H5 build gets the same
 * `?scene=KEY`. Scanning from inside the mini-program (`Taro.scanCode`) answers the code's `path` instead
 * ("subpackages/meetings/pages/checkin/index?scene=KEY", the scene encoded on iOS and not on Android).
 */
import { MEETING_CHECK_IN_PAGE } from './routes';

/** The meeting key's format (`MeetingKey` in shared/src/meetings.ts). */
const MEETING_KEY = /^[a-z2-7]{10}$/;

function decode(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}

export function isMeetingKey(value: string): boolean {
  return MEETING_KEY.test(value);
}

/** The meeting key from the page's query (`scene`, or `key` from a link); null when it names no meeting. */
export function meetingKeyFromParams(params: Partial<Record<string, string>>): string | null {
  const raw = params.scene ?? params.key;
  if (!raw) return null;
  // Decoded twice at most: a scene may reach the page encoded once more by a relay.
  let key = decode(raw).trim();
  if (!isMeetingKey(key)) key = decode(key).trim();
  return isMeetingKey(key) ? key : null;
}

/**
 * The meeting key from what `Taro.scanCode` read: the `path` of one of our mini-program codes that opens the
 * check-in page. Anything else (another page's code, a plain QR, another app's code) is null.
 */
export function meetingKeyFromScan(scan: { path?: string; result?: string }): string | null {
  const path = (scan.path ?? '').trim();
  if (!path) return null;
  const [page = '', query = ''] = path.split('?', 2);
  if (page.replace(/^\/+/, '').replace(/\.html$/, '') !== MEETING_CHECK_IN_PAGE.slice(1)) return null;
  const params: Record<string, string> = {};
  // An unencoded scene may itself hold '=': only the first one separates the name.
  for (const part of query.split('&')) {
    const at = part.indexOf('=');
    if (at > 0) params[part.slice(0, at)] = part.slice(at + 1);
  }
  return meetingKeyFromParams(params);
}
