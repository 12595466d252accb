/**
 * Provisions the MongoDB server CareLoop talks to, for `npm start` and for the test run.
 *
 * In order of preference:
 *   1. `MONGODB_URI`, when set: an existing server, used as is.
 *   2. mongodb-memory-server: a real `mongod`, when its binary is cached or can be downloaded.
 *   3. mongo-java-server (tools/embedded-mongo, built with Maven on first use): needs only Java 17 and Maven.
 *      `start` keeps its data in an H2 file under the data directory; `test` keeps it in memory.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { appendFileSync, existsSync, mkdirSync, readdirSync, rmSync, statSync } from 'node:fs';
import { setTimeout as delay } from 'node:timers/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export type DatabaseServer = 'external' | 'mongodb-memory-server' | 'mongo-java-server';

export interface ProvisionedDatabase {
  uri: string;
  server: DatabaseServer;
  stop(): Promise<void>;
}

export interface ProvisionOptions {
  purpose: 'start' | 'test';
  /** Where `start` keeps its data; default `<repo>/.data`. */
  dataDir?: string;
  /** Progress and fallback messages; default: one line each on stderr. */
  log?: (message: string) => void;
}

const DATABASE_NAME = 'careloop';
const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const launcherDir = path.join(repoRoot, 'tools', 'embedded-mongo');
const launcherJar = path.join(launcherDir, 'target', 'embedded-mongo.jar');

/** How long a reachability probe of the mongod download host may take. */
const DOWNLOAD_PROBE_MS = 4_000;
/** How long mongodb-memory-server may take to start a cached mongod, or to download one first. */
const MONGOD_START_MS = 30_000;
const MONGOD_DOWNLOAD_MS = 180_000;
/** How long the Java launcher may take to print LISTENING. */
const LAUNCHER_START_MS = 60_000;
/** How long the Maven build may take (the first one downloads from Maven Central). */
const MAVEN_BUILD_MS = 600_000;
/** How long stop() waits after SIGTERM before SIGKILL. */
const STOP_GRACE_MS = 10_000;
/** How much of the launcher's output is kept to show when it fails. */
const OUTPUT_TAIL_CHARS = 64 * 1024;

export async function provisionDatabase(options: ProvisionOptions): Promise<ProvisionedDatabase> {
  const log = options.log ?? ((message: string) => void process.stderr.write(`[database] ${message}\n`));
  const dataDir = path.resolve(options.dataDir ?? path.join(repoRoot, '.data'));

  const external = process.env.MONGODB_URI?.trim();
  if (external) {
    return { uri: external, server: 'external', stop: async () => {} };
  }

  try {
    return await startMongodbMemoryServer(options.purpose, dataDir);
  } catch (error) {
    log(`mongodb-memory-server unavailable (${describe(error)}); using mongo-java-server`);
  }

  return startMongoJavaServer(options.purpose, dataDir, log);
}

// ---------------------------------------------------------------------------------------------------------------
// mongodb-memory-server

async function startMongodbMemoryServer(purpose: 'start' | 'test', dataDir: string): Promise<ProvisionedDatabase> {
  const { MongoMemoryServer, DryMongoBinary } = await import('mongodb-memory-server');

  const binaryOptions = await DryMongoBinary.generateOptions();
  const cached = binaryOptions.systemBinary || (await DryMongoBinary.locateBinary(binaryOptions));
  if (!cached) {
    if (/^(0|false|no|off)$/i.test(process.env.MONGOMS_RUNTIME_DOWNLOAD ?? '')) {
      throw new Error(`no cached mongod ${binaryOptions.version} and MONGOMS_RUNTIME_DOWNLOAD is off`);
    }
    await probeDownloadHost(binaryOptions.version);
  }

  const dbPath = purpose === 'start' ? path.join(dataDir, 'mongodb') : undefined;
  if (dbPath) mkdirSync(dbPath, { recursive: true });

  const pending = MongoMemoryServer.create({
    instance: dbPath ? { dbPath, storageEngine: 'wiredTiger' } : {},
  });
  const limit = cached ? MONGOD_START_MS : MONGOD_DOWNLOAD_MS;
  let server: Awaited<typeof pending>;
  try {
    server = await withTimeout(pending, limit, `mongod did not start within ${limit / 1000} s`);
  } catch (error) {
    // If it comes up after all, do not leave it running.
    pending.then((late) => late.stop({ doCleanup: purpose === 'test', force: false })).catch(() => {});
    throw error;
  }

  let stopped: Promise<void> | undefined;
  return {
    uri: server.getUri(DATABASE_NAME),
    server: 'mongodb-memory-server',
    stop: () =>
      (stopped ??= server.stop({ doCleanup: purpose === 'test', force: false }).then(
        () => undefined,
        () => undefined,
      )),
  };
}

/** Fails within seconds when the host mongodb-memory-server would download mongod from cannot be reached. */
async function probeDownloadHost(version: string): Promise<void> {
  const proxied = ['HTTPS_PROXY', 'https_proxy', 'HTTP_PROXY', 'http_proxy', 'ALL_PROXY', 'all_proxy'].some(
    (name) => process.env[name],
  );
  if (proxied) return; // fetch() below would bypass the proxy; let mongodb-memory-server try within its time limit.
  const target =
    process.env.MONGOMS_DOWNLOAD_URL || process.env.MONGOMS_DOWNLOAD_MIRROR || 'https://fastdl.mongodb.org';
  const origin = new URL(target).origin;
  try {
    await fetch(origin, { method: 'HEAD', redirect: 'manual', signal: AbortSignal.timeout(DOWNLOAD_PROBE_MS) });
  } catch (error) {
    const cause = (error as { cause?: unknown }).cause;
    const reason = describe(cause ?? error);
    throw new Error(`no cached mongod ${version} and cannot reach ${new URL(origin).host}: ${reason}`);
  }
}

// ---------------------------------------------------------------------------------------------------------------
// mongo-java-server

async function startMongoJavaServer(
  purpose: 'start' | 'test',
  dataDir: string,
  log: (message: string) => void,
): Promise<ProvisionedDatabase> {
  await ensureLauncherBuilt(log);

  // CARELOOP_DB_JAVA_OPTS: extra JVM options for the launcher, split on whitespace (e.g. `-Xmx18g` for
  // `npm run bench:profile`, whose millions of documents live in the memory backend's Java heap; the JVM's default
  // maximum heap is a quarter of RAM). Unset or empty: no options, as before.
  const javaOptions = (process.env.CARELOOP_DB_JAVA_OPTS ?? '').split(/\s+/).filter(Boolean);
  const args = [...javaOptions, '-jar', launcherJar];
  let logFile: string | undefined;
  if (purpose === 'start') {
    mkdirSync(dataDir, { recursive: true });
    args.push('h2', path.join(dataDir, 'mongo-java-server.mv.db'));
    logFile = path.join(dataDir, 'mongo-java-server.log');
  } else {
    args.push('memory');
  }

  const child = spawn('java', args, { stdio: ['pipe', 'pipe', 'pipe'], windowsHide: true });
  const output = new OutputTail(logFile);
  if (logFile) output.add(`--- ${new Date().toISOString()} java ${args.join(' ')}\n`);
  child.stderr.setEncoding('utf8');
  child.stderr.on('data', (chunk: string) => output.add(chunk));

  // Stop the server when this process exits: SIGTERM lets it finish a clean shutdown (and flush H2) on its own.
  // Should this process die without running 'exit' handlers (SIGKILL, an unhandled signal), the launcher still
  // exits cleanly: it watches its stdin, which then closes.
  const killOnExit = () => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
  };
  process.once('exit', killOnExit);

  let port: number;
  try {
    port = await waitForListening(child, output);
  } catch (error) {
    process.removeListener('exit', killOnExit);
    await terminate(child);
    const tail = output.text().trim();
    throw new Error(
      `mongo-java-server did not start: ${describe(error)}${tail ? `\n--- launcher output ---\n${tail}` : ''}`,
    );
  }

  // The server does not by itself keep this process alive; stop() or process exit ends it.
  child.unref();
  for (const stream of [child.stdin, child.stdout, child.stderr]) (stream as { unref?: () => void }).unref?.();

  let stopped: Promise<void> | undefined;
  return {
    uri: `mongodb://127.0.0.1:${port}/${DATABASE_NAME}`,
    server: 'mongo-java-server',
    stop: () =>
      (stopped ??= (async () => {
        process.removeListener('exit', killOnExit);
        child.ref();
        await terminate(child);
      })()),
  };
}

/** Resolves with the port once the launcher prints `LISTENING <port>`; rejects if it exits or takes too long. */
function waitForListening(child: ChildProcess, output: OutputTail): Promise<number> {
  return new Promise<number>((resolve, reject) => {
    let buffered = '';
    const timer = setTimeout(
      () => finish(new Error(`no LISTENING line within ${LAUNCHER_START_MS / 1000} s`)),
      LAUNCHER_START_MS,
    );
    const onData = (chunk: string) => {
      output.add(chunk);
      buffered += chunk;
      const match = /^LISTENING (\d+)\s*$/m.exec(buffered);
      if (match) finish(undefined, Number(match[1]));
    };
    const onExit = (code: number | null, signal: NodeJS.Signals | null) =>
      finish(new Error(`the launcher exited (${signal ?? `code ${code}`}) before listening`));
    const onError = (error: Error) =>
      finish(
        (error as NodeJS.ErrnoException).code === 'ENOENT'
          ? new Error('java was not found on PATH (mongo-java-server needs Java 17 or later)')
          : error,
      );
    const finish = (error?: Error, port?: number) => {
      clearTimeout(timer);
      child.stdout?.removeListener('data', onData);
      child.removeListener('exit', onExit);
      child.removeListener('error', onError);
      // Keep draining stdout so the launcher can never block on a full pipe.
      child.stdout?.on('data', (chunk: string) => output.add(chunk));
      if (error) reject(error);
      else resolve(port as number);
    };
    child.stdout?.setEncoding('utf8');
    child.stdout?.on('data', onData);
    child.once('exit', onExit);
    child.once('error', onError);
  });
}

/** SIGTERM (the launcher shuts down cleanly and flushes H2), then SIGKILL if it has not exited in time. */
async function terminate(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null || child.pid === undefined) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill('SIGTERM');
  let timer: NodeJS.Timeout | undefined;
  const grace = new Promise<boolean>((resolve) => {
    timer = setTimeout(() => resolve(false), STOP_GRACE_MS);
  });
  const inTime = await Promise.race([exited.then(() => true), grace]);
  clearTimeout(timer);
  if (!inTime) {
    child.kill('SIGKILL');
    await exited;
  }
}

/** Builds the launcher jar with Maven unless it is newer than pom.xml and every source file. */
async function ensureLauncherBuilt(log: (message: string) => void): Promise<void> {
  if (isLauncherFresh()) return;
  mkdirSync(path.dirname(launcherJar), { recursive: true });
  await withDirectoryLock(path.join(path.dirname(launcherJar), '.build.lock'), async () => {
    if (isLauncherFresh()) return; // another process built it while we waited
    log('building tools/embedded-mongo with Maven (the first build downloads mongo-java-server)…');
    const started = Date.now();
    const { code, output } = await run('mvn', ['-B', '-q', 'package'], launcherDir, MAVEN_BUILD_MS);
    if (code !== 0 || !existsSync(launcherJar)) {
      throw new Error(`mvn package failed in ${path.relative(repoRoot, launcherDir)} (${code}):\n${output.trim()}`);
    }
    log(`built ${path.relative(repoRoot, launcherJar)} in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  });
}

function isLauncherFresh(): boolean {
  if (!existsSync(launcherJar)) return false;
  const built = statSync(launcherJar).mtimeMs;
  const inputs = [path.join(launcherDir, 'pom.xml'), ...listFiles(path.join(launcherDir, 'src'))];
  return inputs.every((file) => statSync(file).mtimeMs <= built);
}

function listFiles(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    return entry.isDirectory() ? listFiles(full) : [full];
  });
}

/** Runs a command, collecting its output; rejects if it cannot be started. */
function run(
  command: string,
  args: string[],
  cwd: string,
  timeoutMs: number,
): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd, stdio: ['ignore', 'pipe', 'pipe'], windowsHide: true });
    let output = '';
    const collect = (chunk: Buffer) => {
      output = (output + chunk.toString('utf8')).slice(-OUTPUT_TAIL_CHARS);
    };
    child.stdout.on('data', collect);
    child.stderr.on('data', collect);
    const timer = setTimeout(() => {
      output += `\n(killed after ${timeoutMs / 1000} s)`;
      child.kill('SIGKILL');
    }, timeoutMs);
    child.once('error', (error: NodeJS.ErrnoException) => {
      clearTimeout(timer);
      reject(
        error.code === 'ENOENT'
          ? new Error(`${command} was not found on PATH (mongo-java-server is built with Maven and run with Java 17+)`)
          : error,
      );
    });
    child.once('close', (code) => {
      clearTimeout(timer);
      resolve({ code, output });
    });
  });
}

/** A cross-process lock (mkdir is atomic), so concurrent `npm start` / `npm test` do not build at once. */
async function withDirectoryLock<T>(lockDir: string, action: () => Promise<T>): Promise<T> {
  const deadline = Date.now() + MAVEN_BUILD_MS;
  for (;;) {
    try {
      mkdirSync(lockDir);
      break;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      const held = statSync(lockDir, { throwIfNoEntry: false });
      if (!held) continue; // released just now
      if (Date.now() - held.mtimeMs > MAVEN_BUILD_MS) rmSync(lockDir, { recursive: true, force: true });
      else if (Date.now() > deadline) throw new Error(`timed out waiting for ${lockDir}`);
      else await delay(250);
    }
  }
  try {
    return await action();
  } finally {
    rmSync(lockDir, { recursive: true, force: true });
  }
}

/** Keeps the last part of the launcher's output in memory, and all of it in a log file when given one. */
class OutputTail {
  private tail = '';
  constructor(private readonly file?: string) {}
  add(chunk: string): void {
    this.tail = (this.tail + chunk).slice(-OUTPUT_TAIL_CHARS);
    if (this.file) {
      try {
        appendFileSync(this.file, chunk);
      } catch {
        // Logging must never take the database down.
      }
    }
  }
  text(): string {
    return this.tail;
  }
}

// ---------------------------------------------------------------------------------------------------------------

function withTimeout<T>(promise: Promise<T>, ms: number, message: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(message)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

function describe(error: unknown): string {
  if (error instanceof Error) {
    const code = (error as NodeJS.ErrnoException).code;
    const message = error.message.split('\n')[0] ?? '';
    return code && !message.includes(code) ? `${code}: ${message}` : message;
  }
  return String(error);
}
