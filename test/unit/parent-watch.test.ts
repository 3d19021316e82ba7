import { spawn } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { launchers, type ProcessInfo, procInfo, watchLaunchers } from '../../lib/local/parent-watch.js';

// npm start: npm → sh -c "tsx bin/local.ts" → tsx → node bin/local.ts (this process, 40).
const TREE: Record<number, ProcessInfo> = {
  10: { ppid: 5, command: 'bash' },
  20: { ppid: 10, command: 'npm start' },
  30: { ppid: 20, command: 'sh -c tsx bin/local.ts' },
  35: { ppid: 30, command: 'node /repo/node_modules/.bin/tsx bin/local.ts' },
};

describe('the local portal outlives none of its launchers', () => {
  it('watches every process up to the npm that ran it', () => {
    expect(launchers(35, (pid) => TREE[pid])).toEqual([35, 30, 20]);
    const viaNode: Record<number, ProcessInfo> = {
      ...TREE,
      20: { ppid: 10, command: '/usr/bin/node /usr/lib/node_modules/npm/bin/npm-cli.js start' },
    };
    expect(launchers(35, (pid) => viaNode[pid])).toEqual([35, 30, 20]);
  });

  it('watches only its parent when npm did not start it', () => {
    const direct: Record<number, ProcessInfo> = {
      35: { ppid: 10, command: 'node bin/local.ts' },
      10: { ppid: 1, command: 'bash' },
    };
    expect(launchers(35, (pid) => direct[pid])).toEqual([35]);
  });

  it('says so once a launcher has ended', async () => {
    const living = new Set([35, 30, 20]);
    const gone: number[] = [];
    watchLaunchers((pid) => gone.push(pid), {
      pids: [35, 30, 20],
      intervalMs: 5,
      isAlive: (p) => living.has(p),
    });
    await new Promise((r) => setTimeout(r, 30));
    expect(gone).toEqual([]);
    living.delete(20);
    await new Promise((r) => setTimeout(r, 30));
    expect(gone).toEqual([20]);
  });

  it('reads a real process: a child that has ended is no longer alive to the watch', async () => {
    const child = spawn('sleep', ['30']);
    const pid = child.pid!;
    expect(procInfo(pid)).toMatchObject({ ppid: process.pid, command: 'sleep 30' });
    const gone: number[] = [];
    watchLaunchers((p) => gone.push(p), { pids: [pid], intervalMs: 5 });
    child.kill('SIGKILL');
    await new Promise((r) => child.once('exit', r));
    await new Promise((r) => setTimeout(r, 50));
    expect(gone).toEqual([pid]);
  });
});
