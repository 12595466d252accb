/** The content centre over real HTTP: editorial workflow and review rules, versions, sanitising, HCP gating. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createOrganisation } from '../../bff/src/organisations/service';
import { signAccessToken } from '../../bff/src/auth/tokens';
import { signInNewPatient, signInStaff, startTestBff, type TestBff } from '../support/bff';

let bff: TestBff;
let manager: { accessToken: string; staff: { id: string; organisation: { id: string } } };
let consultant: { accessToken: string; staff: { id: string } };
let otherConsultant: { accessToken: string; staff: { id: string } };

beforeAll(async () => {
  bff = await startTestBff('content');
  manager = await signInStaff(bff, 'lina');
  consultant = await signInStaff(bff, 'zhangwei');
  otherConsultant = await signInStaff(bff, 'wangfang');
});
afterAll(() => bff?.close());

let counter = 0;
const article = (overrides: Record<string, unknown> = {}) => ({
  kind: 'article',
  title: `测试文章 ${(counter += 1)}`,
  summary: '摘要',
  category: 'ortho',
  audience: 'patient',
  body: '<h2>小标题</h2><p>正文</p>',
  ...overrides,
});

async function draft(token: string, overrides: Record<string, unknown> = {}) {
  const created = await bff.call('POST', '/api/staff/content', { token, body: article(overrides) });
  expect(created.status).toBe(201);
  return created.body as { id: string; working: { number: number; title: string; body: string }; status: string };
}

const action = (token: string, id: string, name: string, body?: unknown) =>
  bff.call('POST', `/api/staff/content/${id}/${name}`, { token, body });

/** Written by the consultant, approved by the manager, published: what readers see. */
async function published(overrides: Record<string, unknown> = {}) {
  const item = await draft(consultant.accessToken, overrides);
  expect((await action(consultant.accessToken, item.id, 'submit')).status).toBe(200);
  expect((await action(manager.accessToken, item.id, 'review', { decision: 'approve' })).status).toBe(200);
  const live = await action(consultant.accessToken, item.id, 'publish');
  expect(live.status).toBe(200);
  return live.body as { id: string; working: { title: string } };
}

async function verifiedHcp() {
  const hcp = await signInNewPatient(bff);
  const verified = await bff.call('POST', `/api/staff/customers/${hcp.customer.id}/hcp-verification`, {
    token: manager.accessToken,
    body: { decision: 'verified', evidence: '执业医师证书已核验' },
  });
  expect(verified.status).toBe(200);
  return hcp;
}

async function feedTitles(token: string, query = ''): Promise<string[]> {
  const titles: string[] = [];
  let cursor: string | null = null;
  do {
    const page = await bff.call('GET', `/api/mp/content?limit=50${query}${cursor ? `&cursor=${cursor}` : ''}`, {
      token,
    });
    expect(page.status).toBe(200);
    titles.push(...page.body.items.map((item: { title: string }) => item.title));
    cursor = page.body.nextCursor;
  } while (cursor);
  return titles;
}

describe('review and publication', () => {
  it('cannot publish a draft or a version under review: only an approved version', async () => {
    const item = await draft(consultant.accessToken);
    const early = await action(consultant.accessToken, item.id, 'publish');
    expect(early.status).toBe(409);
    expect(early.body.error.code).toBe('CONTENT_STATE_CONFLICT');
    await action(consultant.accessToken, item.id, 'submit');
    const underReview = await action(manager.accessToken, item.id, 'publish');
    expect(underReview.body.error.code).toBe('CONTENT_STATE_CONFLICT');
    await action(manager.accessToken, item.id, 'review', { decision: 'approve' });
    const done = await action(consultant.accessToken, item.id, 'publish');
    expect(done.status).toBe(200);
    expect(done.body).toMatchObject({ status: 'published', live: { number: 1 } });
  });

  it('sends a rejected version back to draft with the comment, and records every decision with who made it', async () => {
    const item = await draft(consultant.accessToken);
    await action(consultant.accessToken, item.id, 'submit');
    const noComment = await action(manager.accessToken, item.id, 'review', { decision: 'reject' });
    expect(noComment.status).toBe(400);
    const rejected = await action(manager.accessToken, item.id, 'review', {
      decision: 'reject',
      comment: '请补充参考文献',
    });
    expect(rejected.body.status).toBe('draft');
    expect((await action(consultant.accessToken, item.id, 'publish')).body.error.code).toBe('CONTENT_STATE_CONFLICT');

    const edited = await bff.call('PATCH', `/api/staff/content/${item.id}`, {
      token: consultant.accessToken,
      body: { baseVersion: 1, body: '<p>正文</p><p>参考文献：……</p>' },
    });
    await action(consultant.accessToken, item.id, 'submit');
    const approved = await action(manager.accessToken, item.id, 'review', { decision: 'approve', comment: '可以' });
    expect(edited.body.working.number).toBe(2);
    expect(approved.body.status).toBe('approved');
    expect(approved.body.reviews).toEqual([
      expect.objectContaining({
        version: 1,
        decision: 'reject',
        comment: '请补充参考文献',
        by: { id: manager.staff.id, name: '李娜' },
      }),
      expect.objectContaining({
        version: 2,
        decision: 'approve',
        comment: '可以',
        by: { id: manager.staff.id, name: '李娜' },
      }),
    ]);
  });

  it('does not let a manager approve a version they edited or submitted themselves', async () => {
    const own = await draft(manager.accessToken);
    await action(manager.accessToken, own.id, 'submit');
    const self = await action(manager.accessToken, own.id, 'review', { decision: 'approve' });
    expect(self.status).toBe(403);
    expect(self.body.error.code).toBe('CONTENT_SELF_REVIEW');
    expect((await bff.call('GET', `/api/staff/content/${own.id}`, { token: manager.accessToken })).body.status).toBe(
      'in_review',
    );
  });

  it('lets only managers review, and only managers and the author edit', async () => {
    const item = await draft(consultant.accessToken);
    const stranger = await bff.call('PATCH', `/api/staff/content/${item.id}`, {
      token: otherConsultant.accessToken,
      body: { baseVersion: 1, title: '改标题' },
    });
    expect(stranger.status).toBe(403);
    expect((await action(otherConsultant.accessToken, item.id, 'submit')).status).toBe(403);
    await action(consultant.accessToken, item.id, 'submit');
    const consultantReview = await action(otherConsultant.accessToken, item.id, 'review', { decision: 'approve' });
    expect(consultantReview.status).toBe(403);
    expect(consultantReview.body.error.code).toBe('FORBIDDEN');
  });

  it('keeps the published version live while a newer version is edited and reviewed, then swaps it', async () => {
    const item = await published({ title: '第一版标题' });
    const patient = await signInNewPatient(bff);
    const edit = await bff.call('PATCH', `/api/staff/content/${item.id}`, {
      token: consultant.accessToken,
      body: { baseVersion: 1, title: '第二版标题' },
    });
    expect(edit.body).toMatchObject({ status: 'draft', live: { number: 1, title: '第一版标题' } });
    const detail = await bff.call('GET', `/api/mp/content/${item.id}`, { token: patient.accessToken });
    expect(detail.body).toMatchObject({ title: '第一版标题', version: 1 });

    await action(consultant.accessToken, item.id, 'submit');
    await action(manager.accessToken, item.id, 'review', { decision: 'approve' });
    await action(consultant.accessToken, item.id, 'publish');
    const after = await bff.call('GET', `/api/mp/content/${item.id}`, { token: patient.accessToken });
    expect(after.body).toMatchObject({ title: '第二版标题', version: 2 });
  });

  it('hides archived content from readers', async () => {
    const item = await published();
    const patient = await signInNewPatient(bff);
    expect((await action(consultant.accessToken, item.id, 'archive')).body.status).toBe('archived');
    expect((await bff.call('GET', `/api/mp/content/${item.id}`, { token: patient.accessToken })).status).toBe(404);
    expect(await feedTitles(patient.accessToken)).not.toContain(item.working.title);
  });
});

describe('version history', () => {
  it('keeps every saved edit as a version, readable later, and marks the live one', async () => {
    const item = await draft(consultant.accessToken, { title: '版本一', body: '<p>一</p>' });
    for (const [base, title] of [
      [1, '版本二'],
      [2, '版本三'],
    ] as const) {
      const saved = await bff.call('PATCH', `/api/staff/content/${item.id}`, {
        token: consultant.accessToken,
        body: { baseVersion: base, title, body: `<p>${title}</p>` },
      });
      expect(saved.status).toBe(200);
    }
    await action(consultant.accessToken, item.id, 'submit');
    await action(manager.accessToken, item.id, 'review', { decision: 'approve' });
    await action(consultant.accessToken, item.id, 'publish');

    const list = await bff.call('GET', `/api/staff/content/${item.id}/versions`, { token: consultant.accessToken });
    expect(
      list.body.items.map((v: { number: number; title: string; live: boolean }) => [v.number, v.title, v.live]),
    ).toEqual([
      [3, '版本三', true],
      [2, '版本二', false],
      [1, '版本一', false],
    ]);
    const first = await bff.call('GET', `/api/staff/content/${item.id}/versions/1`, { token: consultant.accessToken });
    expect(first.body).toMatchObject({ number: 1, title: '版本一', body: '<p>一</p>', editedBy: { name: '张伟' } });
    expect(
      (await bff.call('GET', `/api/staff/content/${item.id}/versions/9`, { token: consultant.accessToken })).status,
    ).toBe(404);
  });

  it('refuses a save on a stale version instead of overwriting the newer one', async () => {
    const item = await draft(consultant.accessToken);
    const saves = await Promise.all(
      ['甲的修改', '乙的修改'].map((title, index) =>
        bff.call('PATCH', `/api/staff/content/${item.id}`, {
          token: index === 0 ? consultant.accessToken : manager.accessToken,
          body: { baseVersion: 1, title },
        }),
      ),
    );
    expect(saves.map((save) => save.status).sort()).toEqual([200, 409]);
    const versions = await bff.call('GET', `/api/staff/content/${item.id}/versions`, { token: consultant.accessToken });
    expect(versions.body.items).toHaveLength(2);
  });
});

describe('sanitising on the server', () => {
  it('stores and serves the body without scripts, handlers or script URLs, keeping the formatting', async () => {
    const item = await published({
      body:
        '<h2 onclick="alert(1)">标题</h2><p>正文<script>alert(1)</script><img src=x onerror=alert(1)></p>' +
        '<p><a href="jav&#x09;ascript:alert(1)">坏链接</a> <a href="https://example.com">好链接</a></p>' +
        '<iframe src="https://evil.example"></iframe><ul><li><strong>要点</strong></li></ul>',
    });
    const patient = await signInNewPatient(bff);
    const detail = await bff.call('GET', `/api/mp/content/${item.id}`, { token: patient.accessToken });
    expect(detail.body.body).toBe(
      '<h2>标题</h2><p>正文</p><p><a>坏链接</a> ' +
        '<a href="https://example.com" rel="noopener noreferrer nofollow" target="_blank">好链接</a></p>' +
        '<ul><li><strong>要点</strong></li></ul>',
    );
  });

  it('refuses an article whose body is nothing but removed markup', async () => {
    const response = await bff.call('POST', '/api/staff/content', {
      token: consultant.accessToken,
      body: article({ body: '<script>alert(1)</script><iframe></iframe>' }),
    });
    expect(response.status).toBe(400);
    expect(response.body.error.details[0].path).toBe('body');
  });
});

describe('HCP gating', () => {
  let hcpOnly: { id: string; working: { title: string } };
  let forPatients: { id: string; working: { title: string } };
  beforeAll(async () => {
    hcpOnly = await published({ audience: 'hcp', category: 'research', title: '学术：种植体周围炎共识' });
    forPatients = await published({ audience: 'patient', category: 'research', title: '患者：种植后怎么刷牙' });
  });

  it('leaves HCP-only items out of an unverified reader’s feed and categories, without their title', async () => {
    const patient = await signInNewPatient(bff);
    const feed = await bff.call('GET', '/api/mp/content?category=research', { token: patient.accessToken });
    expect(feed.body.items.map((item: { id: string }) => item.id)).toEqual([forPatients.id]);
    expect(JSON.stringify(feed.body)).not.toContain('种植体周围炎');
    const categories = await bff.call('GET', '/api/mp/content/categories', { token: patient.accessToken });
    expect(categories.body.items).toContainEqual({ category: 'research', count: 1 });
  });

  it('answers an unverified reader’s detail request with HCP_ONLY and no title', async () => {
    const patient = await signInNewPatient(bff);
    const detail = await bff.call('GET', `/api/mp/content/${hcpOnly.id}`, { token: patient.accessToken });
    expect(detail.status).toBe(403);
    expect(detail.body.error.code).toBe('HCP_ONLY');
    expect(JSON.stringify(detail.body)).not.toContain('种植体周围炎');
    const open = await bff.call('POST', `/api/mp/content/${hcpOnly.id}/read`, {
      token: patient.accessToken,
      body: { requestId: 'req-unverified-1' },
    });
    expect(open.body.error.code).toBe('HCP_ONLY');
  });

  it('treats an HCP whose verification was rejected like any unverified reader', async () => {
    const hcp = await signInNewPatient(bff);
    await bff.call('POST', `/api/staff/customers/${hcp.customer.id}/hcp-verification`, {
      token: manager.accessToken,
      body: { decision: 'rejected', evidence: '证书无法核验' },
    });
    expect((await bff.call('GET', `/api/mp/content/${hcpOnly.id}`, { token: hcp.accessToken })).body.error.code).toBe(
      'HCP_ONLY',
    );
    expect(await feedTitles(hcp.accessToken, '&category=research')).toEqual(['患者：种植后怎么刷牙']);
  });

  it('shows HCP-only items to a verified HCP in the feed and in detail', async () => {
    const hcp = await verifiedHcp();
    expect(await feedTitles(hcp.accessToken, '&category=research')).toEqual([
      '患者：种植后怎么刷牙',
      '学术：种植体周围炎共识',
    ]);
    const detail = await bff.call('GET', `/api/mp/content/${hcpOnly.id}`, { token: hcp.accessToken });
    expect(detail.status).toBe(200);
    expect(detail.body).toMatchObject({ title: '学术：种植体周围炎共识', audience: 'hcp' });
  });

  it('lets any staff member preview HCP-only content, drafts included', async () => {
    const unpublished = await draft(consultant.accessToken, { audience: 'hcp', title: '草稿：处方相关' });
    for (const id of [hcpOnly.id, unpublished.id]) {
      const preview = await bff.call('GET', `/api/staff/content/${id}`, { token: otherConsultant.accessToken });
      expect(preview.status).toBe(200);
      expect(preview.body.working.audience).toBe('hcp');
    }
    const list = await bff.call('GET', '/api/staff/content?audience=hcp&limit=50', {
      token: otherConsultant.accessToken,
    });
    expect(list.body.items.map((item: { title: string }) => item.title)).toEqual(
      expect.arrayContaining(['草稿：处方相关', '学术：种植体周围炎共识']),
    );
  });

  it('answers NOT_FOUND for content never published', async () => {
    const unpublished = await draft(consultant.accessToken);
    const patient = await signInNewPatient(bff);
    expect((await bff.call('GET', `/api/mp/content/${unpublished.id}`, { token: patient.accessToken })).status).toBe(
      404,
    );
  });
});

describe('the readers’ feed', () => {
  it('pages newest first by cursor, within a category', async () => {
    const titles = [];
    for (let index = 0; index < 3; index += 1) {
      titles.push((await published({ category: 'paging', title: `分页 ${index}` })).working.title);
    }
    const patient = await signInNewPatient(bff);
    const first = await bff.call('GET', '/api/mp/content?category=paging&limit=2', { token: patient.accessToken });
    const second = await bff.call('GET', `/api/mp/content?category=paging&limit=2&cursor=${first.body.nextCursor}`, {
      token: patient.accessToken,
    });
    expect([...first.body.items, ...second.body.items].map((item: { title: string }) => item.title)).toEqual(
      [...titles].reverse(),
    );
    expect(second.body.nextCursor).toBeNull();
  });

  it('shows the seeded demo content in its categories, with the video', async () => {
    const patient = await signInNewPatient(bff);
    const videos = await bff.call('GET', '/api/mp/content?kind=video', { token: patient.accessToken });
    expect(videos.body.items).toContainEqual(
      expect.objectContaining({ title: '三分钟学会使用牙线', category: 'hygiene', video: { durationSeconds: 180 } }),
    );
    expect(await feedTitles(patient.accessToken, '&category=ortho')).toContain('牙齿矫正前你需要知道的 5 件事');
  });
});

describe('organisation isolation', () => {
  it('answers another organisation’s staff and readers with NOT_FOUND', async () => {
    const item = await published();
    const other = await createOrganisation({
      name: 'Other Content Org',
      miniappAppId: 'wxOtherContent',
      wecomCorpId: 'wwOtherContent',
      timeZone: 'Asia/Shanghai',
    });
    const outsider = signAccessToken(
      { kind: 'staff', id: '0123456789abcdef01234567', organisationId: other.id, roles: ['admin'] },
      bff.config.auth.jwtSecret,
      300,
    );
    const reader = signAccessToken(
      { kind: 'customer', id: '0123456789abcdef01234568', organisationId: other.id },
      bff.config.auth.jwtSecret,
      300,
    );
    for (const [method, path, token] of [
      ['GET', `/api/staff/content/${item.id}`, outsider],
      ['POST', `/api/staff/content/${item.id}/archive`, outsider],
      ['GET', `/api/staff/content/${item.id}/results`, outsider],
      ['GET', `/api/mp/content/${item.id}`, reader],
    ] as const) {
      const response = await bff.call(method, path, { token });
      expect(response.status, path).toBe(404);
    }
    const feed = await bff.call('GET', '/api/mp/content', { token: reader });
    expect(feed.body.items).toEqual([]);
  });
});
