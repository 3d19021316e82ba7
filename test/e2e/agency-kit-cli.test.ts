/**
 * The agency kit's two entry points as a developer runs them: `npm start -- --agency-endpoint …` refuses
 * a wrong channel or URL before anything starts and prints the mapping in its banner, `--simulator-fail`
 * makes one channel's simulated agencies answer 500; `npm run agency`
 * answers --help and a missing flag with what to type.
 */
import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { channels } from '../../functions/registry/agencies.js';

const freePort = () =>
  new Promise<number>((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const p = (s.address() as { port: number }).port;
      s.close(() => resolve(p));
    });
  });

const run = async (script: string, args: string[], env: Record<string, string> = {}) => {
  try {
    const { stdout, stderr } = await promisify(execFile)(
      process.execPath,
      ['--import', 'tsx', script, ...args],
      {
        env: { ...process.env, ...env },
      },
    );
    return { code: 0, stdout, stderr };
  } catch (err) {
    const e = err as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
};

describe('npm start -- --agency-endpoint', () => {
  it('refuses an unknown channel, listing the valid ones, and exits non-zero', async () => {
    const res = await run('bin/local.ts', ['--agency-endpoint', 'nope=http://localhost:8080']);
    expect(res.code).toBe(2);
    expect(res.stderr).toContain('Unknown integration channel "nope"');
    expect(res.stderr).toContain(`Valid channels: ${channels.join(', ')}`);
  });

  it('refuses a URL it cannot deliver to', async () => {
    const res = await run('bin/local.ts', ['--agency-endpoint', 'bhxh=ftp://localhost/in']);
    expect(res.code).toBe(2);
    expect(res.stderr).toContain(
      '--agency-endpoint bhxh: "ftp://localhost/in" must be an http:// or https:// URL',
    );
  });

  it('explains itself with --help', async () => {
    const res = await run('bin/local.ts', ['--help']);
    expect(res.code).toBe(0);
    expect(res.stdout).toContain('--agency-endpoint <channel>=<url>');
    expect(res.stdout).toContain('bhxh');
  });

  describe('a running portal', () => {
    let child: ChildProcess | undefined;
    let dataDir: string | undefined;
    afterAll(async () => {
      if (child && child.exitCode === null) {
        const exited = new Promise((resolve) => child!.once('exit', resolve));
        process.kill(-child.pid!, 'SIGTERM');
        await exited;
      }
      if (dataDir) await rm(dataDir, { recursive: true, force: true });
    });

    let output = '';
    it('prints the mapping in its start banner', { timeout: 90_000 }, async () => {
      dataDir = await mkdtemp(join(tmpdir(), 'cong-e2e-agency-kit-'));
      child = spawn(
        process.execPath,
        [
          '--import',
          'tsx',
          'bin/local.ts',
          '--port',
          String(await freePort()),
          '--agency-endpoint',
          'bhxh=http://localhost:8089/webhook',
          '--simulator-fail',
          'bca',
        ],
        {
          env: { ...process.env, CONG_DATA_DIR: dataDir, POWERTOOLS_LOG_LEVEL: 'ERROR' },
          stdio: ['ignore', 'pipe', 'pipe'],
          detached: true,
        },
      );
      child.stdout?.on('data', (b) => {
        output += b;
      });
      child.stderr?.on('data', (b) => {
        output += b;
      });
      const deadline = Date.now() + 80_000;
      while (!output.includes('Ctrl-C stops everything')) {
        if (child.exitCode !== null) throw new Error(`npm start exited early:\n${output}`);
        if (Date.now() > deadline) throw new Error(`npm start did not come up:\n${output}`);
        await new Promise((r) => setTimeout(r, 100));
      }
      expect(output).toMatch(
        /Channel bhxh\s+http:\/\/localhost:8089\/webhook {3}\(your receiver; secret: "bhxh" in /,
      );
      expect(output).toContain(join(dataDir, 'agency-secrets.json'));
      expect(output).toContain('npm run agency -- --help');
    });

    it("--simulator-fail makes that channel's simulated agencies answer 500, and only theirs", async () => {
      const simulator = /Agency systems\s+(http:\/\/\S+)/.exec(output)?.[1];
      expect(simulator, output).toBeDefined();
      const post = (agencyId: string) =>
        fetch(`${simulator}/agencies/${agencyId}/webhook`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', 'webhook-id': `msg_e2e_${agencyId}` },
          body: '{}',
        });
      // cahn is of channel bca: failing before it even looks at the signature.
      expect((await post('cahn')).status).toBe(500);
      expect((await post('bca')).status).toBe(500);
      // Another channel's simulated agency still checks the (missing) signature: 401, not 500.
      expect((await post('bhxh-hn')).status).toBe(401);
      const seen = (await (await fetch(`${simulator}/deliveries`)).json()) as {
        deliveries: { agencyId: string; status: number }[];
      };
      expect(seen.deliveries.filter((d) => d.agencyId === 'cahn').map((d) => d.status)).toEqual([500]);
    });
  });
});

describe('npm start -- --simulator-fail', () => {
  it('refuses a channel that does not exist, naming the valid ones, and exits non-zero', async () => {
    const res = await run('bin/local.ts', ['--simulator-fail', 'nope']);
    expect(res.code).toBe(2);
    expect(res.stderr).toContain('Not an agency channel: nope');
    expect(res.stderr).toContain(channels.join(', '));
  });
});

describe('npm run agency', () => {
  it('lists its commands and flags with --help', async () => {
    const res = await run('bin/agency.ts', ['--help']);
    expect(res.code).toBe(0);
    for (const word of [
      'received',
      'in-progress',
      'supplement',
      'result',
      'refuse',
      'petition-answer',
      '--secret',
    ])
      expect(res.stdout).toContain(word);
  });

  it('names a missing flag and exits 2', async () => {
    const res = await run('bin/agency.ts', ['received', '--agency', 'bhxh-hn']);
    expect(res.code).toBe(2);
    expect(res.stderr).toContain('received needs --dossier');
  });
});
