/**
 * `npm start`: the whole product on one port with its embedded defaults — the database (tools/database.ts),
 * the WeChat/WeCom sandbox, the demo organisation, the BFF, and both front ends built when missing.
 */
import path from 'node:path';
import { ConfigError, loadConfig } from '@careloop/config';
import { startBff } from '@careloop/bff';
import { provisionDatabase } from './database';
import { buildFrontendsIfStale, FRONTENDS, repoRoot } from './frontends';

async function main() {
  const config = loadConfig(); // fail fast on bad configuration, before anything slow
  buildFrontendsIfStale();
  const database = await provisionDatabase({ purpose: 'start' });
  let bff;
  try {
    bff = await startBff({
      env: process.env,
      mongodbUri: database.uri,
      staticApps: { miniappH5: FRONTENDS[0].output, wecom: FRONTENDS[1].output },
    });
  } catch (error) {
    await database.stop();
    throw error;
  }

  const base = config.publicUrl;
  console.log(`
CareLoop is running (${config.sandbox ? 'sandbox: emulated WeChat, WeCom and WeChat Pay' : 'connected to WeChat and WeCom'}; database: ${database.server}${database.server === 'external' ? '' : ', data in ' + path.relative(repoRoot, path.join(repoRoot, '.data')) + '/'})

  Mini-program (H5)   ${base}/m/
  WeCom sidebar       ${base}/wecom/
  WeCom workbench     ${base}/wecom/workbench/
  API                 ${base}/api   (OpenAPI: ${base}/openapi.json, health: ${base}/healthz)

Press Ctrl-C to stop.`);

  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    console.log(`\n${signal}: stopping…`);
    await bff.close();
    await database.stop();
    process.exit(0);
  };
  process.on('SIGINT', () => void stop('SIGINT'));
  process.on('SIGTERM', () => void stop('SIGTERM'));
}

main().catch((error) => {
  console.error(error instanceof ConfigError ? error.message : error);
  process.exit(1);
});
