/** Runs an operator CLI (bin/*.ts) as an operator would, against one local portal's data folder only. */
import { spawn } from 'node:child_process';
import { REPO_ROOT } from '../../lib/local/lambda.js';
import type { LocalPortal } from '../../lib/local/portal.js';

export interface CliRun {
  code: number | null;
  out: string;
  err: string;
}

export function operatorCli(portal: Pick<LocalPortal, 'dataDir'>, script: string, args: string[] = []) {
  return new Promise<CliRun>((resolve) => {
    const child = spawn(process.execPath, ['--import', 'tsx', script, ...args], {
      cwd: REPO_ROOT,
      env: { PATH: process.env.PATH, HOME: process.env.HOME, CONG_DATA_DIR: portal.dataDir },
    });
    let out = '';
    let err = '';
    child.stdout.on('data', (c: Buffer) => {
      out += c;
    });
    child.stderr.on('data', (c: Buffer) => {
      err += c;
    });
    child.on('close', (code) => resolve({ code, out, err }));
  });
}
