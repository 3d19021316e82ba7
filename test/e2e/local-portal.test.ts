/**
 * End to end: `npm start`'s entry point as a child process, driven over HTTP exactly as a citizen,
 * S3 (presigned POST) and the agency simulator see it; then a clean stop and a restart on the same
 * data.
 */
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pressOnGatewayPage } from '../support/payments.js';
import { portalClient } from '../support/portal-api.js';

let dataDir: string;
let port: number;
let child: ChildProcess | undefined;
let output = '';

const freePort = () =>
  new Promise<number>((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const p = (s.address() as { port: number }).port;
      s.close(() => resolve(p));
    });
  });

async function start(extraArgs: string[] = []) {
  output = '';
  // `npm start` runs bin/local.ts through tsx; loading tsx in the same process keeps signals direct
  // (no wrapper process between the test and the portal).
  child = spawn(process.execPath, ['--import', 'tsx', 'bin/local.ts', '--port', String(port), ...extraArgs], {
    env: {
      ...process.env,
      CONG_DATA_DIR: dataDir,
      SIMULATOR_DELAY_MS: '100',
      // Everything the handlers log, so the personal-data check below reads all of it.
      POWERTOOLS_LOG_LEVEL: 'DEBUG',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
    // Its own process group, as under a terminal, a CI runner or a supervisor.
    detached: true,
  });
  child.stdout?.on('data', (b) => {
    output += b;
  });
  child.stderr?.on('data', (b) => {
    output += b;
  });
  const until = Date.now() + 60_000;
  while (!output.includes('Cổng is running at')) {
    if (child.exitCode !== null) throw new Error(`npm start exited early:\n${output}`);
    if (Date.now() > until) throw new Error(`npm start did not come up:\n${output}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

async function stop() {
  const proc = child;
  if (!proc || proc.exitCode !== null) return null;
  const exited = new Promise<number | null>((resolve) => proc.once('exit', (code) => resolve(code)));
  // What `timeout`, CI runners and supervisors send: SIGTERM to every process of the group at once.
  process.kill(-proc.pid!, 'SIGTERM');
  return exited;
}

const javaProcessesFor = (dir: string) => {
  try {
    return execFileSync('pgrep', ['-f', dir], { encoding: 'utf8' }).trim();
  } catch {
    return '';
  }
};

const base = () => `http://127.0.0.1:${port}`;
const { api, upload } = portalClient(base);

beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'cong-e2e-'));
  port = await freePort();
  await start(['--reset']);
}, 90_000);

afterAll(async () => {
  await stop();
  await rm(dataDir, { recursive: true, force: true });
});

describe('npm start', () => {
  let code: string;
  let token: string;

  it('prints where everything is and how to get a token', () => {
    expect(output).toContain(`http://127.0.0.1:${port}`);
    expect(output).toContain('/dev/token');
  });

  it('serves the whole flow: token, catalog, scan upload, submission, online fee, agency callbacks', async () => {
    const issued = await api('POST', '/dev/token', { body: { sub: 'e2e-citizen', role: 'citizen' } });
    expect(issued.status).toBe(200);
    token = issued.body.token;

    const list = await api('GET', `/v1/procedures?q=${encodeURIComponent('đổi bằng lái')}`);
    expect(list.body.items.map((p: { code: string }) => p.code)).toContain('1.002804');
    const online = await api('GET', '/v1/procedures/1.002758');
    expect(online.body).toMatchObject({ code: '1.002758', onlineFiling: true });

    const uploads: string[] = [];
    for (const name of ['licence', 'health']) {
      const bytes = Buffer.from(`%PDF-1.7 ${name} scan for e2e`);
      uploads.push(await upload(token, { bytes, fileName: `${name}.pdf` }));
    }

    const submitted = await api('POST', '/v1/dossiers', {
      token,
      headers: { 'idempotency-key': 'e2e-submission-0001' },
      body: {
        procedureCode: '1.002804',
        form: {
          fullName: 'Lê Minh Châu',
          dateOfBirth: '1985-07-09',
          citizenId: '079085000777',
          phone: '0909123456',
          licenceNumber: '790000000777',
          licenceClass: 'B',
          reason: 'expired',
          deliveryMethod: 'at_desk',
        },
        attachments: [
          { documentType: 'current_licence', uploadId: uploads[0] },
          { documentType: 'health_certificate', uploadId: uploads[1] },
        ],
      },
    });
    expect(submitted.status).toBe(201);
    code = submitted.body.dossiers[0].code;

    // The fee is paid on the sandbox gateway's page over HTTP; its IPN lets the dossier move on.
    const payment = await api('POST', `/v1/dossiers/${code}/payments`, {
      token,
      headers: { 'idempotency-key': 'e2e-payment-0001' },
    });
    expect(payment.status).toBe(201);
    expect(payment.body).toMatchObject({ amount: 135_000, currency: 'VND', status: 'pending' });
    const back = await pressOnGatewayPage(payment.body.redirectUrl, 'approve');
    expect(back.location).toContain(`/v1/payments/return/sandbox?`);
    const returned = await fetch(back.location);
    expect(((await returned.json()) as { providerResult: string }).providerResult).toBe('succeeded');

    const until = Date.now() + 30_000;
    let tracked = await api('GET', `/v1/dossiers/${code}`, { token });
    while (tracked.body.status !== 'in_progress' && Date.now() < until) {
      await new Promise((r) => setTimeout(r, 200));
      tracked = await api('GET', `/v1/dossiers/${code}`, { token });
    }
    expect(tracked.body.timeline.map((e: { type: string }) => e.type)).toEqual([
      'dossier.submitted',
      'payment.succeeded',
      'dossier.received',
      'dossier.in_progress',
    ]);
    const key = submitted.body.dossiers[0].trackingKey;
    const publicView = await api('GET', `/v1/track/${code}?key=${key}`);
    expect(publicView.body.status).toBe('in_progress');
    expect(JSON.stringify(publicView.body)).not.toContain('079085000777');

    // The whole run's logs (handlers, pumps, simulator, sandbox) hold structured lines, and never the
    // citizen ID or the phone number in any spelling.
    expect(output).toContain('"routeKey":"POST /v1/dossiers"');
    for (const pii of ['079085000777', '0909123456', '+84909123456', '84909123456'])
      expect(output, `logs contain ${pii}`).not.toContain(pii);
    const receipt = await api('GET', `/v1/payments/${payment.body.paymentId}/receipt`, { token });
    expect(receipt.body).toMatchObject({ amount: 135_000, dossierCode: code, payer: 'Lê Minh Châu' });
  });

  it('stops cleanly on SIGTERM to its process group, leaving no DynamoDB Local process', async () => {
    expect(javaProcessesFor(dataDir)).not.toBe('');
    const code = await stop();
    expect(code).toBe(0);
    expect(javaProcessesFor(dataDir)).toBe('');
  });

  it('keeps the data across a restart', async () => {
    await start();
    const again = await api('GET', `/v1/dossiers/${code}`, { token });
    expect(again.status).toBe(200);
    expect(again.body.status).toBe('in_progress');
    // A restart starts Java, s3rver and every pump again: allow for a loaded CI machine.
  }, 90_000);

  it('stops with its DynamoDB Local when the npm that ran it is killed with a plain kill', async () => {
    expect(await stop()).toBe(0);
    output = '';
    // npm → sh -c → tsx → node: a plain kill ends npm without passing the signal down the chain.
    const npm = spawn('npm', ['start', '--', '--port', String(port)], {
      env: { ...process.env, CONG_DATA_DIR: dataDir, SIMULATOR_DELAY_MS: '100' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    npm.stdout?.on('data', (b) => {
      output += b;
    });
    npm.stderr?.on('data', (b) => {
      output += b;
    });
    const up = Date.now() + 60_000;
    while (!output.includes('Cổng is running at')) {
      if (npm.exitCode !== null || Date.now() > up) throw new Error(`npm start did not come up:\n${output}`);
      await new Promise((r) => setTimeout(r, 100));
    }
    expect(javaProcessesFor(dataDir)).not.toBe('');
    npm.kill('SIGTERM');
    const down = Date.now() + 20_000;
    while (
      javaProcessesFor(dataDir) !== '' ||
      (await fetch(`${base()}/health`).then(
        () => true,
        () => false,
      ))
    ) {
      if (Date.now() > down)
        throw new Error(`still running after npm was killed:\n${javaProcessesFor(dataDir)}`);
      await new Promise((r) => setTimeout(r, 250));
    }
  }, 120_000);
});
