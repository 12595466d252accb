/**
 * `npm run bench:api`: throughput of the hot sign-in and profile paths against a baseline measured in the same
 * run (GET /healthz: HTTP stack + one database round trip). Ratios, not absolute numbers, are what to compare.
 */
import { provisionDatabase } from '../../tools/database';
import { startBff } from '../../bff/src/index';

const CONCURRENCY = 10;
const DURATION_MS = Number(process.env.BENCH_MS ?? 3000);

async function measure(name: string, operation: () => Promise<void>) {
  const deadline = performance.now() + DURATION_MS;
  let done = 0;
  const latencies: number[] = [];
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (performance.now() < deadline) {
        const started = performance.now();
        await operation();
        latencies.push(performance.now() - started);
        done += 1;
      }
    }),
  );
  latencies.sort((a, b) => a - b);
  const p = (q: number) => latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))]!.toFixed(1);
  return { name, perSecond: done / (DURATION_MS / 1000), p50: p(0.5), p95: p(0.95) };
}

async function main() {
  const database = await provisionDatabase({ purpose: 'test' });
  const bff = await startBff({ env: { PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'silent' }, mongodbUri: database.uri });
  const post = async (path: string, body: unknown, token?: string) => {
    const response = await fetch(bff.url + path, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(token && { authorization: `Bearer ${token}` }) },
      body: JSON.stringify(body),
    });
    if (!response.ok) throw new Error(`${path}: ${response.status} ${await response.text()}`);
    return response.json();
  };
  try {
    const user = await post('/sandbox/control/wechat/users', {});
    const codeFor = async () => (await post('/sandbox/control/wechat/login-code', { openid: user.openid })).code;
    const login = await post('/api/mp/auth/login', { code: await codeFor() });
    // Codes are single-use: make them before timing the login.
    const codes = await Promise.all(Array.from({ length: 4000 }, codeFor));

    const results = [
      await measure('GET /healthz (baseline)', async () => void (await fetch(bff.url + '/healthz')).arrayBuffer()),
      await measure('GET /api/mp/me', async () => {
        const response = await fetch(bff.url + '/api/mp/me', {
          headers: { authorization: `Bearer ${login.accessToken}` },
        });
        await response.arrayBuffer();
      }),
      await measure('POST /api/mp/auth/login (returning user)', async () => {
        const code = codes.pop();
        if (!code) throw new Error('ran out of login codes: lower BENCH_MS');
        await post('/api/mp/auth/login', { code });
      }),
    ];
    const baseline = results[0]!.perSecond;
    console.log(`database: ${database.server}; ${CONCURRENCY} concurrent clients, ${DURATION_MS} ms each`);
    console.table(
      results.map((r) => ({
        operation: r.name,
        'req/s': Math.round(r.perSecond),
        'vs baseline': (r.perSecond / baseline).toFixed(2),
        'p50 ms': r.p50,
        'p95 ms': r.p95,
      })),
    );
  } finally {
    await bff.close();
    await database.stop();
  }
}

await main();
