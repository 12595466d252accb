import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { CAMPAIGN_LANDING_PAGE } from '@careloop/shared';
import { CAMPAIGN_PAGE, campaignSharePath } from '../../../miniapp/src/coupons/routes';
import { campaignEntry } from '../../../miniapp/src/coupons/scene';

describe('campaign landing entry', () => {
  it('reads the campaign key from the mini-program code’s URL-encoded scene', () => {
    expect(campaignEntry({ scene: 'POSTER2025' })).toEqual({ key: 'POSTER2025', via: 'mini_program_code' });
    expect(campaignEntry({ scene: encodeURIComponent(' Ab12cd34 ') })).toEqual({
      key: 'Ab12cd34',
      via: 'mini_program_code',
    });
  });

  it('takes a shared or linked page’s key and says how it was reached', () => {
    expect(campaignEntry({ key: 'POSTER2025', via: 'share' })).toEqual({ key: 'POSTER2025', via: 'share' });
    expect(campaignEntry({ key: 'POSTER2025' })).toEqual({ key: 'POSTER2025', via: 'link' });
    expect(campaignEntry({ key: 'POSTER2025', via: 'mini_program_code' })).toEqual({ key: 'POSTER2025', via: 'link' });
  });

  it('refuses what is not a campaign key rather than ask the server', () => {
    expect(campaignEntry({})).toBeNull();
    expect(campaignEntry({ scene: '%E4%BD%A0%E5%A5%BD' })).toBeNull(); // 你好
    expect(campaignEntry({ scene: '{"k":"x"}' })).toBeNull();
    expect(campaignEntry({ scene: 'abc' })).toBeNull();
    expect(campaignEntry({ scene: '%' })).toBeNull();
  });

  it('lives at the page the campaigns’ mini-program codes open, registered as its own subpackage', () => {
    expect(CAMPAIGN_PAGE).toBe(`/${CAMPAIGN_LANDING_PAGE}`);
    expect(campaignSharePath('POSTER2025')).toBe(`/${CAMPAIGN_LANDING_PAGE}?key=POSTER2025&via=share`);
    const appConfig = readFileSync(path.resolve(__dirname, '../../../miniapp/src/app.config.ts'), 'utf8');
    expect(appConfig).toContain("{ root: 'subpackages/campaign', pages: ['index'] }");
  });
});
