import { describe, expect, it } from 'vitest';
import { pageViewPath } from '../../../miniapp/src/tracking/pagePath';

describe('page view paths', () => {
  it('is the route without the leading slash', () => {
    expect(pageViewPath('/pages/home/index')).toBe('pages/home/index');
    expect(pageViewPath('pages/me/index', {})).toBe('pages/me/index');
  });

  it("keeps the page's query, sorted, and leaves out Taro's own parameters", () => {
    expect(pageViewPath('/pages/content/detail', { id: '42', from: 'share', $taroTimestamp: '1700000000000' })).toBe(
      'pages/content/detail?from=share&id=42',
    );
    expect(pageViewPath('/pages/content/detail?id=42&stamp=3', { scene: 'a b' })).toBe(
      'pages/content/detail?id=42&scene=a%20b',
    );
  });

  it('never gives an empty or overlong path', () => {
    expect(pageViewPath('')).toBe('unknown');
    expect(pageViewPath('/pages/x', { q: 'y'.repeat(1000) })).toHaveLength(512);
  });
});
