import { CreateCampaignRequest, CreateChannelRequest } from '@careloop/shared';
import { describe, expect, it } from 'vitest';
import {
  buildCampaignRequest,
  buildCostChange,
  emptyCampaignDraft,
  parseTags,
  type CampaignDraft,
} from '../../../wecom-sidebar/src/campaigns/campaignForm';
import { buildChannelRequest, emptyChannelDraft } from '../../../wecom-sidebar/src/campaigns/channelForm';
import { fenToYuanInput, isoToZonedInput, yuanToFen, zonedToIso } from '../../../wecom-sidebar/src/shell/forms';
import { STAFF_ID } from './fixtures';

const CHANNEL_ID = '65f0000000000000000000a9';
const TEMPLATE_ID = '65f0000000000000000000f1';
const NOW = new Date('2026-03-10T04:00:00.000Z');
const draft = (overrides: Partial<CampaignDraft> = {}): CampaignDraft => ({
  ...emptyCampaignDraft(NOW),
  name: '春季洗牙 · 地铁海报',
  channelId: CHANNEL_ID,
  ...overrides,
});
const errorsOf = <E>(result: { ok: true } | { ok: false; errors: E }): Partial<E> => (result.ok ? {} : result.errors);

describe('the campaign form', () => {
  it('builds the request the BFF’s schema accepts, starting now on the organisation’s clock', () => {
    const result = buildCampaignRequest(
      draft({ couponTemplateId: TEMPLATE_ID, tags: '洗牙意向，地铁海报、洗牙意向', costYuan: '1,200.5' }),
    );
    expect(result).toMatchObject({
      ok: true,
      request: {
        name: '春季洗牙 · 地铁海报',
        channelId: CHANNEL_ID,
        staffId: null,
        couponTemplateId: TEMPLATE_ID,
        tagNames: ['洗牙意向', '地铁海报'],
        landing: { title: '春季洗牙 · 地铁海报', description: '', imageUrl: null },
        startsAt: '2026-03-10T04:00:00.000Z',
        endsAt: null,
        costFen: 120050,
        codes: { miniProgram: true, contactMe: false },
      },
    });
    expect(CreateCampaignRequest.safeParse(result.ok && result.request).success).toBe(true);
  });

  it('needs a staff member for a contact-me code', () => {
    expect(errorsOf(buildCampaignRequest(draft({ contactMe: true }))).staffId).toContain('联系我');
    const result = buildCampaignRequest(draft({ contactMe: true, staffId: STAFF_ID, welcomeText: '你好' }));
    expect(result).toMatchObject({ ok: true, request: { staffId: STAFF_ID, codes: { contactMe: true } } });
    expect(CreateCampaignRequest.safeParse(result.ok && result.request).success).toBe(true);
  });

  it('needs at least one code, a channel and a name', () => {
    const errors = errorsOf(buildCampaignRequest(draft({ name: '', channelId: '', miniProgram: false })));
    expect(Object.keys(errors).sort()).toEqual(['channelId', 'codes', 'name']);
  });

  it('refuses an end before the start, a bad image link and a bad cost', () => {
    const errors = errorsOf(
      buildCampaignRequest(
        draft({ endsAt: '2026-03-10T11:00', landingImageUrl: 'ftp://x.example/a.png', costYuan: '1.234' }),
      ),
    );
    expect(errors.endsAt).toContain('晚于');
    expect(errors.landingImageUrl).toBeDefined();
    expect(errors.costYuan).toBeDefined();
  });

  it('checks every tag and allows at most ten', () => {
    expect(parseTags('a, b ,, c')).toEqual({ names: ['a', 'b', 'c'], error: null });
    expect(parseTags('a/b').error).toContain('a/b');
    expect(parseTags(Array.from({ length: 11 }, (_, i) => `t${i}`).join(',')).error).toContain('10');
  });

  it('changes the cost in yuan', () => {
    expect(buildCostChange('88.8')).toEqual({ ok: true, request: { costFen: 8880 } });
    expect(buildCostChange('abc')).toMatchObject({ ok: false });
  });
});

describe('the channel form', () => {
  it('builds the request and refuses a name already used', () => {
    const result = buildChannelRequest({ ...emptyChannelDraft(), name: ' 地铁海报 ', kind: 'poster' });
    expect(result).toEqual({ ok: true, request: { name: '地铁海报', kind: 'poster', description: '' } });
    expect(CreateChannelRequest.safeParse(result.ok && result.request).success).toBe(true);
    expect(errorsOf(buildChannelRequest({ ...emptyChannelDraft(), name: '地铁海报' }, ['地铁海报'])).name).toContain(
      '已有',
    );
  });
});

describe('money and times in forms', () => {
  it('reads yuan as fen, two decimals at most', () => {
    expect(yuanToFen('12')).toBe(1200);
    expect(yuanToFen(' ¥12.5 ')).toBe(1250);
    expect(yuanToFen('0.05')).toBe(5);
    expect(yuanToFen('1.234')).toBeNull();
    expect(yuanToFen('-1')).toBeNull();
    expect(fenToYuanInput(1250)).toBe('12.50');
    expect(fenToYuanInput(1200)).toBe('12');
  });

  it('reads a wall-clock time in the organisation’s zone, whatever zone the browser is in', () => {
    expect(zonedToIso('2026-03-10T12:00')).toBe('2026-03-10T04:00:00.000Z');
    expect(zonedToIso('2026-03-10')).toBe('2026-03-09T16:00:00.000Z');
    expect(zonedToIso('2026-03-10T12:00', 'Europe/Berlin')).toBe('2026-03-10T11:00:00.000Z');
    expect(zonedToIso('2026-07-10T12:00', 'Europe/Berlin')).toBe('2026-07-10T10:00:00.000Z');
    expect(zonedToIso('2026-02-30T12:00')).toBeNull();
    expect(isoToZonedInput('2026-03-10T04:00:00.000Z')).toBe('2026-03-10T12:00');
  });
});
