/** One DynamoDB Local per database folder: two Java processes on the same files would corrupt them. */
import { existsSync, readFileSync } from 'node:fs';
import { readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

/** In the database folder: who runs DynamoDB Local on it (owner Node pid and Java pid, JSON). */
export const DYNAMODB_LOCK_FILE = 'dynamodb-local.lock';

interface LockHolder {
  /** The Node process that started DynamoDB Local. */
  owner: number;
  java?: number;
}

/** Lock files this process holds (a second start in the same process is refused too). */
const heldLocks = new Set<string>();

function isAlive(pid: number | undefined): pid is number {
  if (!pid || !Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** A live DynamoDB Local; where /proc exists, a reused pid running something else does not count. */
function isDynamoDbLocal(pid: number | undefined): pid is number {
  if (!isAlive(pid)) return false;
  if (!existsSync('/proc/self/cmdline')) return true;
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes('DynamoDBLocal');
  } catch {
    return false;
  }
}

/** The pid still using the folder by this lock, if any: its Java, or its owner while it starts. */
function livePidOf(file: string, holder: LockHolder): number | undefined {
  if (isDynamoDbLocal(holder.java)) return holder.java;
  const ownerIsUs = holder.owner === process.pid;
  if (ownerIsUs ? heldLocks.has(file) : isAlive(holder.owner)) return holder.owner;
  return undefined;
}

async function readHolder(file: string): Promise<LockHolder | undefined> {
  try {
    return JSON.parse(await readFile(file, 'utf8')) as LockHolder;
  } catch {
    // Gone since, or torn by a crash mid-write: nobody's.
    return undefined;
  }
}

/** The pid of a DynamoDB Local (or of the process starting one) still using the folder, if any. */
export async function dynamoDbLocalUsing(dbPath: string): Promise<number | undefined> {
  const file = join(dbPath, DYNAMODB_LOCK_FILE);
  const holder = await readHolder(file);
  return holder && livePidOf(file, holder);
}

const alreadyRunning = (pid: number, dbPath: string) =>
  new Error(
    `DynamoDB Local (pid ${pid}) is already running on ${dbPath}; stop it first (two on the same files would corrupt the local data). If no such process runs, delete ${join(dbPath, DYNAMODB_LOCK_FILE)}.`,
  );

export interface FolderLock {
  recordJava(pid: number): Promise<void>;
  release(): Promise<void>;
}

/** For whatever would touch the database files (a reset that wipes them): refuses while one runs. */
export async function refuseWhileDynamoDbLocalRuns(dbPath: string): Promise<void> {
  const live = await dynamoDbLocalUsing(dbPath);
  if (live) throw alreadyRunning(live, dbPath);
}

/**
 * Takes the folder's lock file (created exclusively, so of two starters one wins), or refuses while the
 * processes named in it live; a lock whose processes are all gone is stale and taken over.
 */
export async function lockDatabaseFolder(dbPath: string): Promise<FolderLock> {
  const file = join(dbPath, DYNAMODB_LOCK_FILE);
  const write = (holder: LockHolder, flag: 'w' | 'wx') =>
    writeFile(file, `${JSON.stringify(holder)}\n`, { flag, mode: 0o644 });
  for (let attempt = 0; attempt < 5; attempt++) {
    const live = await dynamoDbLocalUsing(dbPath);
    if (live) throw alreadyRunning(live, dbPath);
    if (existsSync(file)) await rm(file, { force: true });
    try {
      await write({ owner: process.pid }, 'wx');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'EEXIST') continue;
      throw err;
    }
    heldLocks.add(file);
    return {
      recordJava: (java) => write({ owner: process.pid, java }, 'w'),
      release: async () => {
        heldLocks.delete(file);
        const now = await readHolder(file);
        if (now?.owner === process.pid) await rm(file, { force: true });
      },
    };
  }
  throw new Error(`cannot take the DynamoDB Local lock ${file}: other starts keep taking it`);
}
