import { describe, expect, it } from 'vitest';
import { MEETING_PAGES } from '@careloop/shared';
import {
  MEETING_CHECK_IN_PAGE,
  MEETING_DETAIL_PAGE,
  checkInPage,
  meetingPage,
} from '../../../miniapp/src/meetings/routes';
import { meetingKeyFromParams, meetingKeyFromScan } from '../../../miniapp/src/meetings/scene';
import { MEETING_KEY } from './meeting-fixtures';

describe('the venue code', () => {
  it('opens exactly the pages the server points at', () => {
    expect(MEETING_CHECK_IN_PAGE).toBe(`/${MEETING_PAGES.checkIn}`);
    expect(MEETING_DETAIL_PAGE).toBe(`/${MEETING_PAGES.detail}`);
    expect(checkInPage(MEETING_KEY)).toBe(`/${MEETING_PAGES.checkIn}?scene=${MEETING_KEY}`);
    expect(meetingPage('65a1b2c3d4e5f60718293e01')).toBe(`/${MEETING_PAGES.detail}?id=65a1b2c3d4e5f60718293e01`);
  });

  it('names its meeting by the scene, URL-encoded by WeChat or not', () => {
    expect(meetingKeyFromParams({ scene: MEETING_KEY })).toBe(MEETING_KEY);
    expect(meetingKeyFromParams({ scene: encodeURIComponent(encodeURIComponent(MEETING_KEY)) })).toBe(MEETING_KEY);
    expect(meetingKeyFromParams({ key: MEETING_KEY })).toBe(MEETING_KEY);
    expect(meetingKeyFromParams({ scene: 'NOT-A-KEY!' })).toBeNull();
    expect(meetingKeyFromParams({ scene: '%E0%A4%A' })).toBeNull();
    expect(meetingKeyFromParams({})).toBeNull();
  });

  it('reads the key from what scanning the code inside the mini-program answers', () => {
    const page = MEETING_PAGES.checkIn;
    expect(meetingKeyFromScan({ path: `${page}?scene=${MEETING_KEY}` })).toBe(MEETING_KEY);
    expect(meetingKeyFromScan({ path: `/${page}.html?scene=${MEETING_KEY}` })).toBe(MEETING_KEY);
  });

  it('refuses another page’s code, a plain QR and a scan with no path', () => {
    expect(meetingKeyFromScan({ path: `subpackages/campaign/index?scene=${MEETING_KEY}` })).toBeNull();
    expect(meetingKeyFromScan({ result: 'https://example.com/' })).toBeNull();
    expect(meetingKeyFromScan({ path: `${MEETING_PAGES.checkIn}?scene=x` })).toBeNull();
  });
});
