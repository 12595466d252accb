import { describe, expect, it } from 'vitest';
import { ApiError } from '@careloop/shared/client';
import { CONTENT_DETAIL_PAGE } from '@careloop/shared';
import { contentProblem } from '../../../miniapp/src/content/errors';
import {
  audienceBadge,
  cardMeta,
  categoryLabel,
  durationText,
  publishedText,
} from '../../../miniapp/src/content/format';
import { styleRichText } from '../../../miniapp/src/content/html';
import { CONTENT_PAGE, contentEntry, contentPage, sharePath } from '../../../miniapp/src/content/routes';
import { card } from './content-fixtures';

describe('the article body for RichText', () => {
  it('styles each allowed tag inline and leaves attributes and text as the server sent them', () => {
    const html =
      '<h2>术后 24 小时</h2><p>咬紧纱布 &lt;30&gt; 分钟</p><img src="https://cdn.example.com/a.png?x=1&amp;y=2" alt="图" />' +
      '<a href="https://example.com" rel="noopener noreferrer nofollow" target="_blank">链接</a><br />';
    const styled = styleRichText(html);
    expect(styled).toContain('<h2 style="font-size:19px;');
    expect(styled).toContain('>术后 24 小时</h2>');
    expect(styled).toContain('<p style="margin:0 0 12px;line-height:1.75;">咬紧纱布 &lt;30&gt; 分钟</p>');
    expect(styled).toMatch(
      /<img src="https:\/\/cdn\.example\.com\/a\.png\?x=1&amp;y=2" alt="图"\s* style="display:block;max-width:100%;[^"]*"\/>/,
    );
    expect(styled).toContain(
      '<a href="https://example.com" rel="noopener noreferrer nofollow" target="_blank" style="color:#0f766e;',
    );
    expect(styled).toContain('<br />'); // no style needed
  });

  it('replaces a style attribute rather than adding a second one', () => {
    expect(styleRichText('<p style="position:fixed">x</p>')).toBe('<p style="margin:0 0 12px;line-height:1.75;">x</p>');
  });
});

describe('content on screen', () => {
  it('names categories in Chinese, and unknown ones by their key', () => {
    expect(categoryLabel('ortho')).toBe('正畸');
    expect(categoryLabel('hygiene')).toBe('口腔卫生');
    expect(categoryLabel('whitening')).toBe('whitening');
  });

  it('describes an article by its reading time and a video by its length', () => {
    expect(cardMeta(card({ readingMinutes: 3 }))).toBe('口腔卫生 · 约 3 分钟读完');
    expect(cardMeta(card({ kind: 'video', video: { durationSeconds: 185 } }))).toBe('口腔卫生 · 视频 3:05');
    expect(cardMeta(card({ kind: 'video', video: { durationSeconds: null } }))).toBe('口腔卫生 · 视频');
    expect(durationText(3723)).toBe('1:02:03');
    expect(durationText(0)).toBe('');
  });

  it('marks HCP-only items for the verified HCPs who see them', () => {
    expect(audienceBadge('hcp')).toBe('医生专享');
    expect(audienceBadge('public')).toBeNull();
    expect(audienceBadge('patient')).toBeNull();
  });

  it('dates a publication in the reader’s day', () => {
    expect(publishedText('2025-11-30T17:00:00.000Z', 8 * 60)).toBe('2025年12月1日');
  });
});

describe('content page links', () => {
  it('is exactly the page the server’s shares open', () => {
    expect(CONTENT_PAGE).toBe(`/${CONTENT_DETAIL_PAGE}`);
    expect(contentPage('65a1b2c3d4e5f60718293c01')).toBe(`${CONTENT_PAGE}?id=65a1b2c3d4e5f60718293c01`);
    expect(contentPage('65a1b2c3d4e5f60718293c01', 'AbCdE12345')).toBe(
      `${CONTENT_PAGE}?id=65a1b2c3d4e5f60718293c01&st=AbCdE12345`,
    );
  });

  it('reads the content id and the share token from the page query, ignoring a malformed token', () => {
    expect(contentEntry({ id: '65a1b2c3d4e5f60718293c01', st: 'AbCdE12345' })).toEqual({
      id: '65a1b2c3d4e5f60718293c01',
      shareToken: 'AbCdE12345',
    });
    expect(contentEntry({ id: '65a1b2c3d4e5f60718293c01', st: 'x"><script>' })).toEqual({
      id: '65a1b2c3d4e5f60718293c01',
      shareToken: null,
    });
    expect(contentEntry({ id: '42' })).toBeNull();
    expect(contentEntry({})).toBeNull();
  });

  it('gives WeChat the server’s share path from the root', () => {
    expect(sharePath('subpackages/content/pages/detail/index?id=1&st=AbCdE12345')).toBe(
      '/subpackages/content/pages/detail/index?id=1&st=AbCdE12345',
    );
    expect(sharePath('/pages/home/index')).toBe('/pages/home/index');
  });
});

describe('content errors', () => {
  it('shows HCP-only content as locked, with no title of its own', () => {
    const problem = contentProblem(
      new ApiError(403, 'HCP_ONLY', 'This content is for verified healthcare professionals only'),
    );
    expect(problem).toMatchObject({ locked: true, retry: false, title: '仅限认证医生阅读' });
    expect(problem.message).toContain('医生认证');
  });

  it('says plainly when content is gone, and offers a retry only when trying again can help', () => {
    expect(contentProblem(new ApiError(404, 'NOT_FOUND', 'Content not found'))).toMatchObject({
      title: '内容不存在或已下线',
      retry: false,
      locked: false,
    });
    expect(contentProblem(new ApiError(0, 'NETWORK_ERROR', 'offline'))).toMatchObject({
      message: '网络连接失败，请检查网络后重试',
      retry: true,
    });
  });
});
