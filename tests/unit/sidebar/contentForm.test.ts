import { CreateContentRequest, UpdateContentRequest, type StaffContent } from '@careloop/shared';
import { describe, expect, it } from 'vitest';
import {
  buildCreateRequest,
  buildUpdateRequest,
  draftFromVersion,
  emptyContentDraft,
  formatDuration,
  parseContentTags,
  parseDuration,
  type ContentDraft,
} from '../../../wecom-sidebar/src/content/contentForm';
import { STAFF_ID } from './fixtures';

const CONTENT_ID = '65f0000000000000000000c1';
const errorsOf = <E>(result: { ok: true } | { ok: false; errors: E }): Partial<E> => (result.ok ? {} : result.errors);

const article = (overrides: Partial<ContentDraft> = {}): ContentDraft => ({
  ...emptyContentDraft('article'),
  title: '种植牙术后护理',
  category: 'implant',
  tags: '种植，术后、种植',
  audience: 'patient',
  summary: '术后 24 小时内的注意事项',
  body: '<div>术后<b>24 小时</b>内不要漱口。</div><div><br></div>',
  ...overrides,
});

function staffContent(overrides: Partial<StaffContent['working']> = {}): StaffContent {
  const working = {
    number: 3,
    title: '种植牙术后护理',
    summary: '术后 24 小时内的注意事项',
    coverUrl: null,
    category: 'implant',
    tags: ['种植', '术后'],
    audience: 'patient' as const,
    body: '<p>术后<strong>24 小时</strong>内不要漱口。</p>',
    video: null,
    editedBy: { id: STAFF_ID, name: '王芳' },
    editedAt: '2026-03-01T02:00:00.000Z',
    ...overrides,
  };
  return {
    id: CONTENT_ID,
    kind: 'article',
    status: 'draft',
    author: { id: STAFF_ID, name: '王芳' },
    working,
    live: null,
    approvedVersion: null,
    submitted: null,
    reviews: [],
    readingMinutes: 1,
    can: { edit: true, submit: true, review: false, publish: false, archive: true, share: false },
    createdAt: '2026-03-01T02:00:00.000Z',
    updatedAt: '2026-03-01T02:00:00.000Z',
    archivedAt: null,
  };
}

describe('the content editor form', () => {
  it('builds a new article the BFF’s schema accepts, with the editor’s HTML tidied and tags deduplicated', () => {
    const result = buildCreateRequest(article());
    expect(result).toEqual({
      ok: true,
      request: {
        kind: 'article',
        title: '种植牙术后护理',
        summary: '术后 24 小时内的注意事项',
        coverUrl: null,
        category: 'implant',
        tags: ['种植', '术后'],
        audience: 'patient',
        body: '<p>术后<strong>24 小时</strong>内不要漱口。</p>',
        video: null,
      },
    });
    expect(CreateContentRequest.safeParse(result.ok && result.request).success).toBe(true);
  });

  it('needs a title, a category key and some body text for an article', () => {
    const errors = errorsOf(buildCreateRequest(article({ title: ' ', category: 'Ortho 正畸', body: '<p><br></p>' })));
    expect(Object.keys(errors).sort()).toEqual(['body', 'category', 'title']);
  });

  it('accepts an article whose body is only an image', () => {
    const result = buildCreateRequest(article({ body: '<p><img src="https://img.example.com/a.png" alt=""></p>' }));
    expect(result.ok).toBe(true);
  });

  it('needs an https video URL for a video, and reads its length as seconds or m:ss', () => {
    const video = { ...emptyContentDraft('video'), title: '牙线教程', category: 'hygiene' };
    expect(errorsOf(buildCreateRequest({ ...video, videoUrl: 'http://media.example.com/a.mp4' })).videoUrl).toContain(
      'https',
    );
    const result = buildCreateRequest({ ...video, videoUrl: 'https://media.example.com/a.mp4', videoDuration: '3:05' });
    expect(result).toMatchObject({
      ok: true,
      request: { kind: 'video', video: { url: 'https://media.example.com/a.mp4', durationSeconds: 185 }, body: '' },
    });
    expect(CreateContentRequest.safeParse(result.ok && result.request).success).toBe(true);
  });

  it('refuses an unreadable video length', () => {
    const draft = {
      ...emptyContentDraft('video'),
      title: '牙线教程',
      category: 'hygiene',
      videoUrl: 'https://media.example.com/a.mp4',
      videoDuration: '3 分钟',
    };
    expect(errorsOf(buildCreateRequest(draft)).videoDuration).toBeDefined();
  });

  it('refuses a cover that is not a web address', () => {
    expect(errorsOf(buildCreateRequest(article({ coverUrl: 'javascript:alert(1)' }))).coverUrl).toBeDefined();
  });

  it('saves only the fields that changed, on top of the version being edited', () => {
    const content = staffContent();
    const draft = {
      ...draftFromVersion('article', content.working),
      title: '种植牙术后护理（新版）',
      audience: 'public' as const,
    };
    const result = buildUpdateRequest(draft, content);
    expect(result).toEqual({
      ok: true,
      request: { baseVersion: 3, title: '种植牙术后护理（新版）', audience: 'public' },
    });
    expect(UpdateContentRequest.safeParse(result.ok && result.request).success).toBe(true);
  });

  it('does not resend a body the editor did not touch, however the tidying would write it', () => {
    const content = staffContent({ body: '<p>术后&nbsp;<b>24 小时</b>内</p>' });
    const draft = { ...draftFromVersion('article', content.working), summary: '新的摘要' };
    expect(buildUpdateRequest(draft, content)).toEqual({ ok: true, request: { baseVersion: 3, summary: '新的摘要' } });
  });

  it('says so when nothing changed', () => {
    const content = staffContent();
    const result = buildUpdateRequest(draftFromVersion('article', content.working), content);
    expect(errorsOf(result)).toEqual({ form: expect.stringContaining('没有修改') });
  });
});

describe('tags and video lengths as staff type them', () => {
  it('splits tags on Chinese and Latin separators and refuses more than ten', () => {
    expect(parseContentTags('矫正, 青少年；隐形矫正\n青少年')).toEqual({
      names: ['矫正', '青少年', '隐形矫正'],
      error: null,
    });
    const many = Array.from({ length: 11 }, (_, index) => `标签${index}`).join('，');
    expect(parseContentTags(many).error).toContain('最多 10 个');
  });

  it('round-trips a duration through the input', () => {
    expect(formatDuration(185)).toBe('3:05');
    expect(parseDuration('3:05')).toBe(185);
    expect(parseDuration('1:02:03')).toBe(3723);
    expect(parseDuration('90')).toBe(90);
    expect(parseDuration('')).toBeNull();
    expect(parseDuration('3:75')).toBeNaN();
  });
});
