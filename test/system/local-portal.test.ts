import { execFileSync, spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DescribeTableCommand, DescribeTimeToLiveCommand } from '@aws-sdk/client-dynamodb';
import { GetBucketCorsCommand, HeadBucketCommand } from '@aws-sdk/client-s3';
import { GetQueueAttributesCommand } from '@aws-sdk/client-sqs';
import { createRemoteJWKSet, decodeProtectedHeader, jwtVerify } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { configSchema } from '../../functions/core/config.js';
import { DISPATCH } from '../../functions/core/resources.js';
import { allAgencies } from '../../functions/registry/agencies.js';
import { startDynamoDbLocal } from '../../lib/local/dynamodb-local.js';
import { DYNAMODB_LOCK_FILE } from '../../lib/local/dynamodb-lock.js';
import { createLog } from '../../lib/local/log.js';
import { sleep } from '../../lib/local/net.js';
import { type LocalPortal, startLocalPortal } from '../../lib/local/portal.js';

const REPO = fileURLToPath(new URL('../../', import.meta.url));

function running(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** DynamoDB Local processes listening on this port (pgrep -f, as an operator would check). */
function dynamoProcesses(port: number): string[] {
  try {
    return execFileSync('pgrep', ['-f', `DynamoDBLocal.jar.* -port ${port}( |$)`], { encoding: 'utf8' })
      .split('\n')
      .filter(Boolean);
  } catch {
    return [];
  }
}

async function gone(pid: number, ms = 30_000) {
  const deadline = Date.now() + ms;
  while (running(pid) && Date.now() < deadline) await sleep(50);
  return !running(pid);
}

/** Java processes whose command line names this data folder (pgrep -f, as an operator would check). */
function javaOn(dir: string): number[] {
  try {
    return execFileSync('pgrep', ['-f', `DynamoDBLocal.jar.* -dbPath ${dir}( |$)`], { encoding: 'utf8' })
      .split('\n')
      .filter(Boolean)
      .map(Number);
  } catch {
    return [];
  }
}

/**
 * Starts DynamoDB Local in a child Node process that leads its own process group, as `npm start`
 * under a terminal, CI runner or supervisor does; resolves once the child reports the Java pid.
 */
async function dynamoChild(dbPath?: string, options: { detached?: boolean } = {}) {
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', 'test/fixtures/local/dynamodb-child.ts', ...(dbPath ? [dbPath] : [])],
    { cwd: REPO, stdio: ['ignore', 'pipe', 'pipe'], detached: options.detached ?? false },
  );
  let err = '';
  child.stderr.on('data', (c: Buffer) => {
    err += c.toString('utf8');
  });
  const started = await new Promise<{ pid: number; port: number }>((resolve, reject) => {
    let out = '';
    child.stdout.on('data', (c: Buffer) => {
      out += c.toString('utf8');
      const line = out.split('\n').find((l) => l.startsWith('{'));
      if (line) resolve(JSON.parse(line) as { pid: number; port: number });
    });
    child.once('exit', (code) => reject(new Error(`child exited early (${code}): ${err}`)));
  });
  return { child, ...started };
}

describe('local portal', () => {
  let portal: LocalPortal;
  const tableBefore = process.env.TABLE_NAME;

  beforeAll(async () => {
    portal = await startLocalPortal({ ephemeral: true, port: 0, quiet: true, simulatorDelayMs: 50 });
  });

  afterAll(async () => {
    await portal?.stop();
  });

  it('issues dev tokens that verify against /dev/jwks.json', async () => {
    const res = await fetch(`${portal.url}/dev/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        sub: 'citizen-1',
        role: 'business',
        name: 'Nguyễn Văn A',
        taxCode: '0101234567',
      }),
    });
    expect(res.status).toBe(200);
    const { token, expiresIn } = (await res.json()) as { token: string; expiresIn: number };
    expect(expiresIn).toBe(3600);

    const jwks = createRemoteJWKSet(new URL(process.env.JWT_JWKS_URL!));
    const { payload, protectedHeader } = await jwtVerify(token, jwks, {
      issuer: process.env.JWT_ISSUER,
      audience: process.env.JWT_AUDIENCE,
    });
    expect(payload).toMatchObject({
      sub: 'citizen-1',
      role: 'business',
      name: 'Nguyễn Văn A',
      taxCode: '0101234567',
    });
    expect(payload.iss).toBe(`${portal.url}/dev`);
    expect(payload.aud).toBe('cong-local');
    expect(payload.exp! - payload.iat!).toBe(3600);
    expect(protectedHeader).toMatchObject({ alg: 'ES256', kid: portal.dev.kid });

    const keys = (await (await fetch(`${portal.url}/dev/jwks.json`)).json()) as {
      keys: Array<Record<string, string>>;
    };
    expect(keys.keys).toHaveLength(1);
    expect(keys.keys[0]).toMatchObject({ kid: portal.dev.kid, alg: 'ES256', use: 'sig', kty: 'EC' });
    expect(keys.keys[0]!.d).toBeUndefined();

    const helper = await portal.token({ sub: 'citizen-2' });
    expect(decodeProtectedHeader(helper).kid).toBe(portal.dev.kid);
    expect((await jwtVerify(helper, jwks, { issuer: `${portal.url}/dev` })).payload.role).toBe('citizen');
  });

  it('refuses bad token requests with the error shape', async () => {
    const post = (body: string) =>
      fetch(`${portal.url}/dev/token`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body,
      });
    const invalid = await post(JSON.stringify({ sub: '', role: 'king' }));
    expect(invalid.status).toBe(400);
    expect(invalid.headers.get('content-type')).toBe('application/json; charset=utf-8');
    const body = (await invalid.json()) as {
      error: { code: string; messageVi: string; details: Array<{ path: string }> };
    };
    expect(body.error.code).toBe('VALIDATION_FAILED');
    expect(body.error.details.map((d) => d.path).sort()).toEqual(['body.role', 'body.sub']);

    const malformed = await post('{"sub":');
    expect(malformed.status).toBe(400);
    expect(((await malformed.json()) as { error: { code: string } }).error.code).toBe('MALFORMED_JSON');

    const unknown = await fetch(`${portal.url}/v1/no-such-thing`);
    expect(unknown.status).toBe(404);
    expect(((await unknown.json()) as { error: { code: string } }).error.code).toBe('NOT_FOUND');
  });

  it("sets the handlers' environment completely", () => {
    const parsed = configSchema().safeParse(process.env);
    expect(parsed.success).toBe(true);
    expect(process.env.AWS_ENDPOINT_URL_DYNAMODB).toBe(portal.stores.endpoints.dynamodb);
    expect(process.env.AWS_ENDPOINT_URL_SQS).toBe(portal.stores.endpoints.sqs);
    expect(process.env.AWS_ENDPOINT_URL_S3).toBe(portal.stores.endpoints.s3);
    expect(process.env.AWS_ACCESS_KEY_ID).toBe('S3RVER');
    const endpointOf = (id: string) => process.env.AGENCY_ENDPOINT_TEMPLATE!.replace('{agencyId}', id);
    for (const a of allAgencies()) expect(endpointOf(a.id)).toBe(portal.simulator.endpointFor(a.id));
    // Small enough for a child process to inherit (Linux refuses any one variable over 128 KiB).
    for (const [name, value] of Object.entries(process.env))
      expect(`${name}=${value}`.length, name).toBeLessThan(32 * 1024);
    const queues = JSON.parse(process.env.AGENCY_QUEUE_URLS!) as Record<string, string>;
    expect(Object.keys(queues).sort()).toEqual(portal.stores.agencyQueues.map((q) => q.channel).sort());
    const secrets = JSON.parse(readFileSync(process.env.AGENCY_SECRETS_FILE!, 'utf8')) as Record<
      string,
      string[]
    >;
    for (const a of allAgencies()) expect(secrets[a.channel]?.[0]).toMatch(/^whsec_/);
  });

  it('creates the table, bucket and queues as the resource definitions say', async () => {
    const { dynamodb, s3, sqs } = portal.stores.clients;
    const table = (await dynamodb.send(new DescribeTableCommand({ TableName: portal.stores.names.table })))
      .Table!;
    expect(table.StreamSpecification).toEqual({ StreamEnabled: true, StreamViewType: 'NEW_IMAGE' });
    expect(table.GlobalSecondaryIndexes?.map((i) => i.IndexName).sort()).toEqual(['gsi1', 'gsi2', 'gsi3']);
    const ttl = await dynamodb.send(new DescribeTimeToLiveCommand({ TableName: portal.stores.names.table }));
    expect(ttl.TimeToLiveDescription).toMatchObject({ TimeToLiveStatus: 'ENABLED', AttributeName: 'ttl' });

    await s3.send(new HeadBucketCommand({ Bucket: portal.stores.names.bucket }));
    const cors = await s3.send(new GetBucketCorsCommand({ Bucket: portal.stores.names.bucket }));
    expect(cors.CORSRules?.[0]?.AllowedMethods).toContain('POST');

    expect(portal.stores.agencyQueues.length).toBeGreaterThan(0);
    for (const q of portal.stores.agencyQueues) {
      const attrs = (
        await sqs.send(new GetQueueAttributesCommand({ QueueUrl: q.url, AttributeNames: ['All'] }))
      ).Attributes!;
      expect(JSON.parse(attrs.RedrivePolicy!)).toEqual({
        deadLetterTargetArn: q.dlq.arn,
        maxReceiveCount: DISPATCH.maxReceiveCount,
      });
      expect(attrs.VisibilityTimeout).toBe(String(DISPATCH.visibilityTimeoutSeconds));
    }
    expect(portal.stores.outboxDlq.url).toMatch(/cong-local-outbox-dlq$/);
  });

  it('stops cleanly: no DynamoDB Local left, environment restored, temporary data removed', async () => {
    const { dynamodbPid, ports } = portal.stores;
    expect(running(dynamodbPid)).toBe(true);
    expect(dynamoProcesses(ports.dynamodb)).toHaveLength(1);

    await portal.stop();
    expect(running(dynamodbPid)).toBe(false);
    expect(dynamoProcesses(ports.dynamodb)).toEqual([]);
    expect(process.env.TABLE_NAME).toBe(tableBefore);
    expect(existsSync(portal.dataDir)).toBe(false);
    await expect(fetch(`${portal.url}/health`)).rejects.toThrow();
  });

  it('kills DynamoDB Local even when its parent process dies without cleaning up', async () => {
    const started = await dynamoChild();
    const { child } = started;
    try {
      expect(running(started.pid)).toBe(true);
      child.kill('SIGKILL');
      expect(await gone(started.pid)).toBe(true);
      expect(dynamoProcesses(started.port)).toEqual([]);
    } finally {
      // Never leave a Java process behind, even when the assertion above fails.
      if (running(started.pid)) process.kill(started.pid, 'SIGKILL');
      child.kill('SIGKILL');
    }
  }, 90_000);
});

describe('DynamoDB Local on a data folder', () => {
  let dir: string;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'cong-dynamo-lock-'));
  });

  afterAll(async () => {
    for (const pid of javaOn(dir)) process.kill(pid, 'SIGKILL');
    await rm(dir, { recursive: true, force: true });
  });

  it('ends with its parent when the whole process group is signalled, every time', async () => {
    for (let round = 1; round <= 3; round++) {
      const { child, pid } = await dynamoChild(dir, { detached: true });
      try {
        expect(javaOn(dir)).toEqual([pid]);
        // What `timeout`, CI runners and supervisors do: SIGTERM to every process of the group at once.
        process.kill(-child.pid!, 'SIGTERM');
        expect(await gone(pid), `round ${round}: Java still runs on the data folder`).toBe(true);
        expect(javaOn(dir)).toEqual([]);
      } finally {
        if (running(pid)) process.kill(pid, 'SIGKILL');
        if (child.exitCode === null) child.kill('SIGKILL');
      }
    }
  }, 240_000);

  it('refuses a second DynamoDB Local on the folder while the first runs, and takes over a stale lock', async () => {
    const { child, pid } = await dynamoChild(dir, { detached: true });
    try {
      const second = startDynamoDbLocal({ dbPath: dir, log: createLog({ quiet: true }) });
      await expect(second).rejects.toThrow(`DynamoDB Local (pid ${pid}) is already running on ${dir}`);
      expect(javaOn(dir)).toEqual([pid]);
    } finally {
      process.kill(-child.pid!, 'SIGKILL');
      await gone(pid);
    }
    // The first is gone without releasing its lock (its parent was killed): the next start takes it over.
    expect(readFileSync(join(dir, DYNAMODB_LOCK_FILE), 'utf8')).toContain(String(pid));
    const again = await startDynamoDbLocal({ dbPath: dir, log: createLog({ quiet: true }) });
    try {
      expect(javaOn(dir)).toEqual([again.pid]);
      // Within one process, too, the folder has one DynamoDB Local.
      await expect(startDynamoDbLocal({ dbPath: dir, log: createLog({ quiet: true }) })).rejects.toThrow(
        /is already running on/,
      );
    } finally {
      await again.stop();
    }
    expect(existsSync(join(dir, DYNAMODB_LOCK_FILE))).toBe(false);
  }, 120_000);

  it('refuses to wipe a data folder (--reset) while DynamoDB Local still runs on it', async () => {
    const portalDir = await mkdtemp(join(tmpdir(), 'cong-reset-'));
    const dbPath = join(portalDir, 'dynamodb');
    const { child, pid } = await dynamoChild(dbPath, { detached: true });
    try {
      await writeFile(join(portalDir, '.cong-local'), 'Data of the local Cổng portal\n');
      await expect(
        startLocalPortal({ dataDir: portalDir, reset: true, port: 0, quiet: true }),
      ).rejects.toThrow(`DynamoDB Local (pid ${pid}) is already running on ${dbPath}`);
      expect(javaOn(dbPath)).toEqual([pid]);
      expect(existsSync(join(dbPath, 'shared-local-instance.db'))).toBe(true);
    } finally {
      process.kill(-child.pid!, 'SIGKILL');
      await gone(pid);
      await rm(portalDir, { recursive: true, force: true });
    }
  }, 120_000);

  it('takes over a lock left by processes that no longer exist', async () => {
    await writeFile(
      join(dir, DYNAMODB_LOCK_FILE),
      `${JSON.stringify({ owner: 999_999_99, java: 999_999_98 })}\n`,
    );
    const dynamo = await startDynamoDbLocal({ dbPath: dir, log: createLog({ quiet: true }) });
    try {
      expect(JSON.parse(readFileSync(join(dir, DYNAMODB_LOCK_FILE), 'utf8'))).toEqual({
        owner: process.pid,
        java: dynamo.pid,
      });
    } finally {
      await dynamo.stop();
    }
  }, 120_000);
});
