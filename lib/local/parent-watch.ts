/**
 * `npm start` runs the portal as npm → sh -c → tsx → node. A plain `kill` of npm's PID ends npm (and
 * the shell) without passing the signal on, and the portal would keep running with its DynamoDB Local.
 * So the portal watches the processes that launched it, up to the npm that ran the script, and stops
 * as soon as one of them is gone.
 */
import { readFileSync } from 'node:fs';

export interface ProcessInfo {
  ppid: number;
  command: string;
}

/** A process's parent and command line from /proc (Linux); undefined elsewhere or once it is gone. */
export function procInfo(pid: number): ProcessInfo | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // "pid (comm) state ppid …": the command name may hold spaces and parentheses.
    const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
    const command = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').join(' ').trim();
    return Number.isInteger(ppid) ? { ppid, command } : undefined;
  } catch {
    return undefined;
  }
}

const NPM = /(^|[\s/])(npm|npx|npm-cli\.js|npx-cli\.js)(\s|$)/;
/** How far up to look for npm: sh -c and tsx's own parent process sit between it and the portal. */
const MAX_DEPTH = 4;

/**
 * The launchers to outlive: every ancestor up to and including the nearest npm, or only the parent
 * when npm did not start this process (then a user's shell or a test runner is the parent).
 */
export function launchers(ppid: number, info: (pid: number) => ProcessInfo | undefined = procInfo): number[] {
  const chain: number[] = [];
  for (let pid = ppid, depth = 0; pid > 1 && depth < MAX_DEPTH; depth++) {
    const p = info(pid);
    if (!p) break;
    chain.push(pid);
    if (NPM.test(p.command)) return chain;
    pid = p.ppid;
  }
  return [ppid];
}

const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    // EPERM: it exists, owned by someone else.
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
};

/** Calls `onGone` once, when a launcher has ended; the returned function stops watching. */
export function watchLaunchers(
  onGone: (pid: number) => void,
  options: { pids?: number[]; intervalMs?: number; isAlive?: (pid: number) => boolean } = {},
): () => void {
  const pids = options.pids ?? launchers(process.ppid);
  const isAlive = options.isAlive ?? alive;
  const timer = setInterval(() => {
    const gone = pids.find((p) => !isAlive(p));
    if (gone === undefined) return;
    clearInterval(timer);
    onGone(gone);
  }, options.intervalMs ?? 1_000);
  // Watching never keeps the process alive by itself.
  timer.unref();
  return () => clearInterval(timer);
}
