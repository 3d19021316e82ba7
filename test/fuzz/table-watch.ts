/**
 * Whether a refused request left the table as it was, checked two ways:
 * - every request: the writes the handlers' one DynamoDB client completed while answering it, told apart
 *   by an async context opened per incoming request (header FUZZ_ID_HEADER names the request);
 * - a sample, in a quiet moment: a digest of the whole table (scan) before and after one request alone.
 * Abuse-limit counters are left out of both: counting a refused request is what they are for.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import { createHash } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { ScanCommand } from '@aws-sdk/lib-dynamodb';
import { dynamo } from '../../functions/core/clients.js';
import type { LocalPortal } from '../../lib/local/portal.js';
import { portalDynamo } from '../support/portal-clients.js';

export const FUZZ_ID_HEADER = 'x-fuzz-request';

/** A write the table took: the command and the partition keys it touched. */
export interface TableWrite {
  command: string;
  keys: string[];
}

/** Commands that only read. Anything else that completes counts as a write. */
const READS = /^(Get|BatchGet|Query|Scan|TransactGet|Describe|List)/;
/** Abuse-limit counters (keys.rateWindow): written for refused requests by design. */
const COUNTER_PK = /^RATE#/;

type Input = Record<string, unknown>;
const pkOf = (key: unknown) => String((key as { pk?: unknown } | undefined)?.pk ?? '?');

/** The partition keys a write command names (Put/Update/Delete, transactions, batches). */
function writtenKeys(input: Input): string[] {
  if (input.Item) return [pkOf(input.Item)];
  if (input.Key) return [pkOf(input.Key)];
  if (Array.isArray(input.TransactItems))
    return input.TransactItems.flatMap((t: Record<string, Input>) =>
      Object.values(t).map((op) => pkOf(op.Item ?? op.Key)),
    );
  if (input.RequestItems && typeof input.RequestItems === 'object')
    return Object.values(input.RequestItems as Record<string, Input[]>).flatMap((reqs) =>
      reqs.map((r) => pkOf((r.PutRequest as Input | undefined)?.Item ?? (r.DeleteRequest as Input)?.Key)),
    );
  return ['?'];
}

export interface WriteLog {
  /** The writes completed while answering the request named `id`; forgets them. */
  take(id: string): TableWrite[];
  stop(): void;
}

/**
 * Opens an async context per request the portal's gateway takes, and records each completed write of
 * the handlers' DynamoDB client under the request that caused it.
 */
export function watchWrites(portal: LocalPortal): WriteLog {
  const context = new AsyncLocalStorage<TableWrite[]>();
  const byRequest = new Map<string, TableWrite[]>();
  const server = portal.api.server;
  const listeners = server.listeners('request') as Array<(req: IncomingMessage, res: ServerResponse) => void>;
  server.removeAllListeners('request');
  const tracked = (req: IncomingMessage, res: ServerResponse) => {
    const id = req.headers[FUZZ_ID_HEADER];
    if (typeof id !== 'string') {
      for (const l of listeners) l.call(server, req, res);
      return;
    }
    const writes: TableWrite[] = [];
    byRequest.set(id, writes);
    context.run(writes, () => {
      for (const l of listeners) l.call(server, req, res);
    });
  };
  server.on('request', tracked);
  type Stack = { add(mw: unknown, o: object): void; remove(name: string): boolean };
  const stack = dynamo().middlewareStack as unknown as Stack;
  const name = 'fuzzWriteLog';
  stack.add(
    (next: (a: { input: Input }) => Promise<unknown>, ctx: { commandName?: string }) =>
      async (args: { input: Input }) => {
        const out = await next(args);
        const writes = context.getStore();
        const command = ctx.commandName ?? '?';
        if (writes && !READS.test(command)) {
          const keys = writtenKeys(args.input).filter((k) => !COUNTER_PK.test(k));
          if (keys.length) writes.push({ command, keys });
        }
        return out;
      },
    { step: 'initialize', name, override: true },
  );
  return {
    take(id) {
      const writes = byRequest.get(id) ?? [];
      byRequest.delete(id);
      return writes;
    },
    stop() {
      stack.remove(name);
      server.removeListener('request', tracked);
      for (const l of listeners) server.on('request', l);
    },
  };
}

/** A digest of every item of the table (abuse-limit counters aside), and how many there are. */
export async function tableDigest(portal: LocalPortal): Promise<{ items: number; digest: string }> {
  const db = portalDynamo(portal.env);
  const lines: string[] = [];
  let start: Record<string, unknown> | undefined;
  do {
    const page = await db.send(
      new ScanCommand({ TableName: portal.env.TABLE_NAME, ExclusiveStartKey: start, ConsistentRead: true }),
    );
    for (const item of page.Items ?? []) {
      if (COUNTER_PK.test(String(item.pk))) continue;
      lines.push(stableJson(item));
    }
    start = page.LastEvaluatedKey;
  } while (start);
  lines.sort();
  return { items: lines.length, digest: createHash('sha256').update(lines.join('\n')).digest('hex') };
}

/** JSON with object keys sorted, so equal items give equal text. */
function stableJson(v: unknown): string {
  if (v instanceof Set) return stableJson([...v].sort());
  if (Array.isArray(v)) return `[${v.map(stableJson).join(',')}]`;
  if (v && typeof v === 'object' && !(v instanceof Uint8Array))
    return `{${Object.keys(v)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${stableJson((v as Record<string, unknown>)[k])}`)
      .join(',')}}`;
  if (v instanceof Uint8Array) return JSON.stringify(Buffer.from(v).toString('base64'));
  return JSON.stringify(v) ?? 'undefined';
}

/** What the portal's stream and queue pumps have done so far: unchanged while they are idle. */
const pumpActivity = (portal: LocalPortal) =>
  JSON.stringify([
    portal.pumps.stream.stats,
    portal.pumps.notificationStream.stats,
    portal.pumps.notifications.stats,
    portal.pumps.queues.map((q) => q.stats),
  ]);

/**
 * Waits until the table holds still: the same digest twice, `gapMs` apart, with the pumps idle between
 * them. The gap is longer than a stream pump's poll (250 ms), so a record written just before the first
 * digest is read, and its relay's writes land, before the second. Returns that digest.
 */
export async function quietTable(portal: LocalPortal, gapMs = 350, maxMs = 20_000) {
  const deadline = Date.now() + maxMs;
  let last = { ...(await tableDigest(portal)), pumps: pumpActivity(portal) };
  for (;;) {
    await new Promise((r) => setTimeout(r, gapMs));
    const now = { ...(await tableDigest(portal)), pumps: pumpActivity(portal) };
    if ((now.digest === last.digest && now.pumps === last.pumps) || Date.now() > deadline) return now;
    last = now;
  }
}
