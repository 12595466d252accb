import { describe, expect, it } from 'vitest';
import { attributionLines } from '../../../wecom-sidebar/src/campaigns/attribution';
import { contactMeCodeFilename, miniProgramCodeFilename, missingCodes } from '../../../wecom-sidebar/src/campaigns/qr';
import {
  campaignBarsOption,
  dailyLinesOption,
  fillDays,
  RESULT_COLUMNS,
  resultCell,
  totalsRow,
} from '../../../wecom-sidebar/src/campaigns/results';
import type { CampaignResults, CampaignTouch } from '../../../wecom-sidebar/src/campaigns/types';
import { hashDetail, pageFromHash, pagesFor } from '../../../wecom-sidebar/src/workbench/nav';

const channel = { id: '65f0000000000000000000a9', name: '地铁海报', kind: 'poster' as const };
function results(name: string, overrides: Partial<CampaignResults> = {}): CampaignResults {
  return {
    campaign: { id: `65f00000000000000000${name.length.toString().padStart(4, '0')}`, name, key: 'Ab3kX9pQ' },
    channel,
    scans: 10,
    uniqueScanners: 8,
    newCustomers: 4,
    contactsAdded: 2,
    claims: 5,
    redemptions: 3,
    bookings: 2,
    arrivals: 1,
    revenueFen: 19900,
    costFen: 100000,
    costPerNewCustomerFen: 25000,
    costPerArrivalFen: 100000,
    ...overrides,
  };
}
const column = (key: string) => RESULT_COLUMNS.find((item) => item.key === key)!;

describe('the results table', () => {
  it('shows every counter, money in yuan, and a ratio with nothing to divide by as a dash', () => {
    expect(RESULT_COLUMNS.map((item) => item.key)).toEqual([
      'scans',
      'uniqueScanners',
      'newCustomers',
      'contactsAdded',
      'claims',
      'redemptions',
      'bookings',
      'arrivals',
      'revenueFen',
      'costFen',
      'costPerNewCustomerFen',
      'costPerArrivalFen',
    ]);
    const row = results('A', { costPerArrivalFen: null });
    expect(resultCell(row, column('scans'))).toBe('10');
    expect(resultCell(row, column('revenueFen'))).toBe('¥199.00');
    expect(resultCell(row, column('costPerNewCustomerFen'))).toBe('¥250.00');
    expect(resultCell(row, column('costPerArrivalFen'))).toBe('—');
  });

  it('totals the rows and divides the total cost by the total counts', () => {
    const total = totalsRow([results('A'), results('BB', { costFen: 50000, newCustomers: 0, arrivals: 2 })]);
    expect(total).toMatchObject({ scans: 20, newCustomers: 4, arrivals: 3, costFen: 150000, revenueFen: 39800 });
    expect(total.costPerNewCustomerFen).toBe(37500);
    expect(total.costPerArrivalFen).toBe(50000);
    expect(totalsRow([]).costPerArrivalFen).toBeNull();
  });
});

describe('the charts', () => {
  it('draw a bar per campaign for scans, claims, redemptions and arrivals', () => {
    const option = campaignBarsOption([results('A'), results('BB', { scans: 3 })]);
    expect(option.xAxis).toMatchObject({ data: ['A', 'BB'] });
    const series = option.series as { name: string; type: string; data: number[] }[];
    expect(series.map((item) => item.name)).toEqual(['扫码', '领券', '核销', '到店']);
    expect(series.every((item) => item.type === 'bar')).toBe(true);
    expect(series[0]!.data).toEqual([10, 3]);
  });

  it('draw a campaign’s days as lines, the days without activity as zeros', () => {
    const days = [
      { date: '2026-03-01', scans: 5, claims: 2, redemptions: 0 },
      { date: '2026-03-04', scans: 1, claims: 0, redemptions: 1 },
    ];
    expect(fillDays(days).map((day) => day.date)).toEqual(['2026-03-01', '2026-03-02', '2026-03-03', '2026-03-04']);
    const option = dailyLinesOption(days);
    expect(option.xAxis).toMatchObject({ data: ['03-01', '03-02', '03-03', '03-04'] });
    const series = option.series as { name: string; data: number[] }[];
    expect(series.find((item) => item.name === '扫码')!.data).toEqual([5, 0, 0, 1]);
    expect(fillDays([])).toEqual([]);
  });

  it('fill a month end and a year end', () => {
    const dates = fillDays([
      { date: '2026-12-30', scans: 1, claims: 0, redemptions: 0 },
      { date: '2027-01-02', scans: 1, claims: 0, redemptions: 0 },
    ]).map((day) => day.date);
    expect(dates).toEqual(['2026-12-30', '2026-12-31', '2027-01-01', '2027-01-02']);
  });
});

describe('the QR code downloads', () => {
  it('are named after what they are, the campaign and its key, safely', () => {
    expect(miniProgramCodeFilename({ name: '春季洗牙 / 地铁:海报?', key: 'Ab3kX9pQ' })).toBe(
      '小程序码_春季洗牙_地铁_海报_Ab3kX9pQ.png',
    );
    expect(contactMeCodeFilename({ name: '张伟的名片', key: 'Zz9' })).toBe('联系我二维码_张伟的名片_Zz9.png');
    expect(miniProgramCodeFilename({ name: '***', key: 'K1' })).toBe('小程序码_campaign_K1.png');
  });

  it('lists the codes a campaign lacks', () => {
    const base = { staff: { id: 'x', name: '张伟' }, codes: { miniProgram: null, contactMe: null } };
    expect(missingCodes(base)).toEqual({ miniProgram: true, contactMe: true });
    expect(missingCodes({ ...base, staff: null })).toEqual({ miniProgram: true, contactMe: false });
  });
});

describe('the attribution line', () => {
  const touch = (campaign: string, staff: string | null, at: string): CampaignTouch => ({
    campaign: { id: `65f0000000000000000000${campaign === '洗牙季' ? '01' : '02'}`, name: campaign, key: 'K' },
    channel,
    staff: staff ? { id: '65f0000000000000000000b1', name: staff } : null,
    at,
    via: 'mini_program_code',
  });

  it('names channel, campaign and staff once when both touches are one campaign', () => {
    const first = touch('洗牙季', '张伟', '2026-03-01T02:00:00.000Z');
    const lines = attributionLines({ firstTouch: first, lastTouch: { ...first, at: '2026-03-05T02:00:00.000Z' } });
    expect(lines.map((line) => line.text)).toEqual(['来源: 地铁海报 · 洗牙季 · 张伟']);
    expect(lines[0]!.detail).toContain('2026-03-05 10:00');
  });

  it('shows the first and the last touch when they differ', () => {
    const lines = attributionLines({
      firstTouch: touch('洗牙季', '张伟', '2026-03-01T02:00:00.000Z'),
      lastTouch: touch('种植月', null, '2026-03-08T02:00:00.000Z'),
    });
    expect(lines.map((line) => line.text)).toEqual([
      '首次来源: 地铁海报 · 洗牙季 · 张伟',
      '最近来源: 地铁海报 · 种植月',
    ]);
  });

  it('shows nothing for a customer no campaign reached', () => {
    expect(attributionLines({ firstTouch: null, lastTouch: null })).toEqual([]);
    expect(attributionLines(null)).toEqual([]);
  });
});

describe('the workbench pages', () => {
  it('show campaigns, coupons and results to managers and admins only', () => {
    const managerPages = pagesFor(['manager']).map((page) => page.id);
    expect(managerPages).toEqual(expect.arrayContaining(['campaigns', 'coupons', 'channels', 'results']));
    const staffPages = pagesFor(['staff']).map((page) => page.id);
    expect(staffPages).not.toContain('campaigns');
    expect(staffPages).not.toContain('coupons');
    expect(staffPages).not.toContain('results');
    expect(staffPages).toContain('channels');
    expect(pageFromHash('#campaigns', ['staff'])).toBe('schedule');
    expect(pageFromHash('#campaigns', ['admin'])).toBe('campaigns');
  });

  it('read the campaign in the hash', () => {
    expect(pageFromHash('#campaigns/65f0000000000000000000a1', ['manager'])).toBe('campaigns');
    expect(hashDetail('#campaigns/65f0000000000000000000a1')).toBe('65f0000000000000000000a1');
    expect(hashDetail('#results')).toBe('');
    expect(hashDetail('')).toBe('');
  });
});
