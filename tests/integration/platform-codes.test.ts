import { inflateSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import decodeQR from 'qr/decode.js';
import { AppError } from '../../bff/src/http/errors';
import { PlatformError } from '../../bff/src/platform/http';
import { SandboxContactWayModel } from '../../bff/src/platform/sandbox/wecomModel';
import { wecomCallbackHandlers } from '../../bff/src/wecomCallbackHandlers';
import { startTestBff, type TestBff } from '../support/bff';
import { eventually } from '../support/concurrency';

let bff: TestBff;
// These tests take the welcome codes themselves: only identity reacts to the callbacks meanwhile.
let otherHandlers: typeof wecomCallbackHandlers = [];
beforeAll(async () => {
  bff = await startTestBff('platform-codes');
  otherHandlers = wecomCallbackHandlers.splice(1);
});
afterAll(async () => {
  wecomCallbackHandlers.push(...otherHandlers);
  await bff?.close();
});

const PNG_SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];

/** Decodes the QR code in an 8-bit greyscale PNG without filters (what the sandbox writes). */
function readQr(png: Buffer): string {
  let offset = 8;
  let width = 0;
  let height = 0;
  const idat: Buffer[] = [];
  while (offset < png.length) {
    const length = png.readUInt32BE(offset);
    const type = png.subarray(offset + 4, offset + 8).toString('ascii');
    const data = png.subarray(offset + 8, offset + 8 + length);
    if (type === 'IHDR') {
      width = data.readUInt32BE(0);
      height = data.readUInt32BE(4);
      expect([data[8], data[9]]).toEqual([8, 0]); // 8-bit greyscale
    }
    if (type === 'IDAT') idat.push(data);
    offset += 12 + length;
  }
  const rows = inflateSync(Buffer.concat(idat));
  const rgb = new Uint8Array(width * height * 3);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++)
      rgb.fill(rows[y * (width + 1) + 1 + x]!, (y * width + x) * 3, (y * width + x) * 3 + 3);
  }
  return decodeQR({ width, height, data: rgb });
}

/** Errors as `{ code, errcode }` for comparing. */
async function failure(promise: Promise<unknown>) {
  try {
    await promise;
  } catch (error) {
    if (error instanceof PlatformError) return { code: error.code, errcode: error.errcode };
    if (error instanceof AppError)
      return { code: error.code, errcode: (error.details as { errcode?: number })?.errcode };
    throw error;
  }
  throw new Error('expected a failure');
}

/** Adds a contact in the sandbox and answers the WelcomeCode of the callback WeCom sends about it. */
async function newWelcomeCode(name: string): Promise<{ welcomeCode: string; externalUserId: string }> {
  const added = await bff.call('POST', '/sandbox/control/wecom/external-contacts', {
    body: { userid: 'zhangwei', name },
  });
  expect(added.status).toBe(201);
  const externalUserId = added.body.externalUserId as string;
  const callbacks = await bff.call('GET', `/sandbox/control/wecom/callbacks?externalUserId=${externalUserId}`);
  return { welcomeCode: callbacks.body[0].welcomeCode, externalUserId };
}

describe('contact-me codes (add_contact_way)', () => {
  it('creates a QR contact-me code for a member with the state and skip_verify sent, and serves its PNG', async () => {
    const way = await bff.deps.wecom.addContactWay({
      type: 1,
      scene: 2,
      state: 'cmp_poster_01',
      userIds: ['zhangwei'],
      skipVerify: false,
      remark: '海报',
    });
    expect(way.configId).toMatch(/^[0-9a-f]{32}$/);
    expect(way.qrCode).toBe(`${bff.config.publicUrl}/sandbox/wecom/contact-way/${way.configId}.png`);
    const stored = await SandboxContactWayModel.findOne({ configId: way.configId }).lean();
    expect(stored).toMatchObject({ state: 'cmp_poster_01', userIds: ['zhangwei'], skipVerify: false, scene: 2 });

    const image = await fetch(`${bff.url}/sandbox/wecom/contact-way/${way.configId}.png`);
    expect(image.headers.get('content-type')).toBe('image/png');
    const png = Buffer.from(await image.arrayBuffer());
    expect([...png.subarray(0, 8)]).toEqual(PNG_SIGNATURE);
    expect(readQr(png)).toContain(way.configId);
  });

  it('rejects a state longer than 30 characters before calling WeCom', async () => {
    const before = await SandboxContactWayModel.countDocuments();
    const attempt = bff.deps.wecom.addContactWay({
      type: 1,
      scene: 2,
      state: 'x'.repeat(31),
      userIds: ['zhangwei'],
      skipVerify: true,
    });
    expect(await failure(attempt)).toEqual({ code: 'VALIDATION_FAILED', errcode: undefined });
    expect(await SandboxContactWayModel.countDocuments()).toBe(before);
  });

  it('answers WeCom’s error for a member the corp does not have', async () => {
    const attempt = bff.deps.wecom.addContactWay({
      type: 2,
      scene: 2,
      state: 'cmp_x',
      userIds: ['zhangwei', 'nobody'],
      skipVerify: true,
    });
    expect(await failure(attempt)).toEqual({ code: 'UPSTREAM_ERROR', errcode: 60111 });
  });

  it('updates the state and members, then deletes the code (deleting again is WeCom’s invalid config_id)', async () => {
    const way = await bff.deps.wecom.addContactWay({
      type: 2,
      scene: 2,
      state: 'cmp_a',
      userIds: ['zhangwei'],
      skipVerify: true,
    });
    await bff.deps.wecom.updateContactWay(way.configId, { state: 'cmp_b', userIds: ['zhangwei', 'wangfang'] });
    expect(await SandboxContactWayModel.findOne({ configId: way.configId }).lean()).toMatchObject({
      state: 'cmp_b',
      userIds: ['zhangwei', 'wangfang'],
    });
    await bff.deps.wecom.deleteContactWay(way.configId);
    expect(await SandboxContactWayModel.findOne({ configId: way.configId }).lean()).toBeNull();
    expect(await failure(bff.deps.wecom.deleteContactWay(way.configId))).toEqual({
      code: 'UPSTREAM_ERROR',
      errcode: 40058,
    });
  });

  it("adds the scanning customer to the code's member with its state, and WeCom calls back with it", async () => {
    const way = await bff.deps.wecom.addContactWay({
      type: 1,
      scene: 2,
      state: 'cmp_scan',
      userIds: ['wangfang'],
      skipVerify: true,
    });
    const scan = await bff.call('POST', `/sandbox/control/wecom/contact-ways/${way.configId}/scan`, {
      body: { name: '扫码客户' },
    });
    expect(scan.status).toBe(201);
    expect(scan.body.userid).toBe('wangfang');
    const delivered = await eventually(async () => {
      const list = await bff.call('GET', `/sandbox/control/wecom/callbacks?externalUserId=${scan.body.externalUserId}`);
      return list.body[0]?.finished ? list.body[0] : null;
    });
    expect(delivered).toMatchObject({ changeType: 'add_external_contact', userid: 'wangfang', state: 'cmp_scan' });
    expect(delivered.attempts).toEqual([expect.objectContaining({ status: 200, answer: 'success', ok: true })]);
  });
});

describe('mini-program codes (wxacode.getUnlimited)', () => {
  it('returns a PNG whose QR code opens the H5 mini-program on the page with the scene', async () => {
    const png = await bff.deps.wechat.miniProgramCode({ scene: 'c=Ab3_x.9', page: 'pages/campaign/index' });
    expect([...png.subarray(0, 8)]).toEqual(PNG_SIGNATURE);
    expect(readQr(png)).toBe(`${bff.config.publicUrl}/m/#/pages/campaign/index?scene=c%3DAb3_x.9`);
  });

  it('refetches the access token once when WeChat answers JSON 42001 instead of an image', async () => {
    await bff.deps.wechat.miniProgramCode({ scene: 'warm', page: 'pages/index/index' }); // caches a token
    expect((await bff.call('POST', '/sandbox/control/credentials/expire')).status).toBe(204);
    const png = await bff.deps.wechat.miniProgramCode({ scene: 'after', page: 'pages/index/index' });
    expect([...png.subarray(0, 8)]).toEqual(PNG_SIGNATURE);
  });

  it('rejects a bad scene or page with a clear error before calling WeChat', async () => {
    const code = (input: { scene: string; page: string }) => failure(bff.deps.wechat.miniProgramCode(input));
    for (const scene of ['x'.repeat(33), '', '中文', 'a b', '{"id":1}']) {
      expect(await code({ scene, page: 'pages/index/index' })).toMatchObject({ code: 'VALIDATION_FAILED' });
    }
    for (const page of ['/pages/index/index', 'pages/index/index?x=1', '']) {
      expect(await code({ scene: 'ok', page })).toMatchObject({ code: 'VALIDATION_FAILED' });
    }
  });

  it('answers JSON with WeChat’s errcodes for a bad scene or page, as WeChat does', async () => {
    const token = await (
      await fetch(`${bff.config.wechat.apiBase}/cgi-bin/stable_token`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({
          grant_type: 'client_credential',
          appid: bff.config.wechat.appId,
          secret: bff.config.wechat.secret,
        }),
      })
    ).json();
    const ask = async (body: unknown) => {
      const response = await fetch(
        `${bff.config.wechat.apiBase}/wxa/getwxacodeunlimit?access_token=${token.access_token}`,
        { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) },
      );
      expect(response.headers.get('content-type')).toMatch(/json/);
      return ((await response.json()) as { errcode: number }).errcode;
    };
    expect(await ask({ scene: 'x'.repeat(33), page: 'pages/index/index' })).toBe(40169);
    expect(await ask({ scene: '中文', page: 'pages/index/index' })).toBe(40129);
    expect(await ask({ scene: 'ok', page: '/pages/index/index' })).toBe(41030);
    expect(await ask({ scene: 'ok', page: 'pages/index/index?x=1' })).toBe(41030);
  });
});

describe('welcome messages (send_welcome_msg)', () => {
  it('sends text and a mini-program card with an uploaded picture, once: the used code answers 41051', async () => {
    const { welcomeCode, externalUserId } = await newWelcomeCode('欢迎语客户');
    expect(welcomeCode).toEqual(expect.any(String));
    const png = await bff.deps.wechat.miniProgramCode({ scene: 'card', page: 'pages/index/index' });
    const picMediaId = await bff.deps.wecom.uploadImage(png, 'card.png');
    const message = {
      welcomeCode,
      text: '您好，欢迎关注微笑齿科',
      miniprogram: { title: '洁牙券', picMediaId, appId: bff.config.wechat.appId, page: 'pages/campaign/index' },
    };
    expect(await bff.deps.wecom.sendWelcomeMessage(message)).toEqual({ errcode: 0, errmsg: 'ok' });
    expect(await bff.deps.wecom.sendWelcomeMessage(message)).toMatchObject({ errcode: 41051 });

    const sent = await bff.call('GET', `/sandbox/control/wecom/welcome-messages?externalUserId=${externalUserId}`);
    expect(sent.body).toEqual([
      expect.objectContaining({
        welcomeCode,
        userid: 'zhangwei',
        text: '您好，欢迎关注微笑齿科',
        attachments: [
          {
            msgtype: 'miniprogram',
            miniprogram: {
              title: '洁牙券',
              pic_media_id: picMediaId,
              appid: bff.config.wechat.appId,
              page: 'pages/campaign/index',
            },
          },
        ],
      }),
    ]);
  });

  it('answers 41050 for a code older than 20 seconds', async () => {
    const { welcomeCode } = await newWelcomeCode('过期客户');
    const aged = await bff.call('POST', `/sandbox/control/wecom/welcome-codes/${welcomeCode}/age`, {
      body: { seconds: 21 },
    });
    expect(aged.status).toBe(204);
    expect(await bff.deps.wecom.sendWelcomeMessage({ welcomeCode, text: '您好' })).toMatchObject({ errcode: 41050 });
  });

  it('answers 40007 for a card whose picture was never uploaded, and the code stays usable', async () => {
    const { welcomeCode } = await newWelcomeCode('无图客户');
    const card = {
      title: '洁牙券',
      picMediaId: 'not-uploaded',
      appId: bff.config.wechat.appId,
      page: 'pages/index/index',
    };
    expect(await bff.deps.wecom.sendWelcomeMessage({ welcomeCode, miniprogram: card })).toMatchObject({
      errcode: 40007,
    });
    expect(await bff.deps.wecom.sendWelcomeMessage({ welcomeCode, text: '您好' })).toMatchObject({ errcode: 0 });
  });

  it('refuses an upload that is not an image', async () => {
    expect(await failure(bff.deps.wecom.uploadImage(Buffer.from('not an image at all'), 'x.png'))).toEqual({
      code: 'UPSTREAM_ERROR',
      errcode: 40005,
    });
  });
});
