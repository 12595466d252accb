/** Builds the two web front ends when their build is missing or older than their sources. */
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

export const FRONTENDS = [
  {
    name: 'mini-program (H5)',
    workspace: 'miniapp',
    script: 'build:h5',
    output: path.join(repoRoot, 'miniapp/dist/h5'),
    sources: ['miniapp/src', 'miniapp/config', 'miniapp/babel.config.js', 'shared/src'],
  },
  {
    name: 'WeCom sidebar and workbench',
    workspace: 'wecom-sidebar',
    script: 'build',
    output: path.join(repoRoot, 'wecom-sidebar/dist'),
    sources: [
      'wecom-sidebar/src',
      'wecom-sidebar/index.html',
      'wecom-sidebar/workbench',
      'wecom-sidebar/vite.config.ts',
      'shared/src',
    ],
  },
] as const;

function newestMtime(target: string): number {
  if (!existsSync(target)) return 0;
  const stat = statSync(target);
  if (!stat.isDirectory()) return stat.mtimeMs;
  return readdirSync(target).reduce(
    (newest, entry) => Math.max(newest, newestMtime(path.join(target, entry))),
    stat.mtimeMs,
  );
}

export function buildFrontendsIfStale(log: (message: string) => void = console.log): void {
  for (const frontend of FRONTENDS) {
    const built = path.join(frontend.output, 'index.html');
    const builtAt = existsSync(built) ? statSync(built).mtimeMs : 0;
    const changedAt = Math.max(...frontend.sources.map((source) => newestMtime(path.join(repoRoot, source))));
    if (builtAt > changedAt) continue;
    log(`Building the ${frontend.name}…`);
    const result = spawnSync('npm', ['run', frontend.script, '--workspace', frontend.workspace], {
      cwd: repoRoot,
      stdio: ['ignore', 'ignore', 'inherit'],
      // Always a production build: under vitest NODE_ENV is 'test', which makes Taro emit React Refresh code.
      env: { ...process.env, NODE_ENV: 'production' },
    });
    if (result.status !== 0)
      throw new Error(`Building the ${frontend.name} failed (npm run ${frontend.script} -w ${frontend.workspace})`);
  }
}
