/**
 * A fuzzing campaign over every operation of the portal's OpenAPI document: fast-check generates the
 * hostile requests (in chunks, each a property run of its own seed, many chunks at once), every answer
 * is judged, and each kind of failure is replayed and shrunk to a minimal request.
 *
 * The oracle, per request: no 5xx; a 4xx answers in the error shape {error:{code,message,messageVi}};
 * a 4xx leaves the table as it was (no write completed while answering it). A sample of requests per
 * route is also sent alone in a quiet moment, with the whole table's digest compared before and after.
 */
import fc from 'fast-check';
import { caseArbitrary, describeWire, type FuzzCase, materialize } from './cases.js';
import type { Fixtures } from './fixtures.js';
import { type OpenApi, type Operation, operationsOf, resolver } from './spec.js';
import {
  FUZZ_ID_HEADER,
  quietTable,
  type TableWrite,
  tableDigest,
  type WriteLog,
  watchWrites,
} from './table-watch.js';
import { type Wire, type WireResponse, wireTo } from './wire.js';

export type ViolationKind = 'server-error' | 'error-shape' | 'table-changed' | 'no-answer';

export interface Violation {
  kind: ViolationKind;
  detail: string;
}

export interface Failure {
  route: string;
  operationId: string;
  violation: Violation;
  /** Replays the exact case: `npm run fuzz -- --replay <operationId> --seed <seed> --path <path>`. */
  seed: number;
  path: string;
  shrunk: boolean;
  request: string;
  response: string;
}

export interface RouteStats {
  route: string;
  operationId: string;
  requests: number;
  s2xx: number;
  s3xx: number;
  s4xx: number;
  s5xx: number;
  badShape: number;
  changedAfter4xx: number;
  noAnswer: number;
  quietChecks: number;
  quietChanged: number;
}

export interface CampaignOptions {
  /** Requests per route. */
  runs: number;
  seed: number;
  /** Requests per property run (a chunk); chunks of all routes run concurrently. */
  chunkSize?: number;
  /** Requests in flight at once. */
  concurrency?: number;
  /** operationIds (or `METHOD /path` keys) to attack; all when empty. */
  only?: readonly string[];
  /** Requests per write route sent alone with a table digest before and after. */
  quietSamples?: number;
  /** Time allowed to shrink each failure. */
  shrinkMs?: number;
  /** Called when a route shows a kind of failure for the first time (before it is shrunk). */
  onFailure?: (f: { route: string; kind: ViolationKind; status: number; labels: string[] }) => void;
  onProgress?: (p: { done: number; total: number; serverErrors: number; elapsedMs: number }) => void;
}

export interface CampaignReport {
  seed: number;
  runsPerRoute: number;
  routes: RouteStats[];
  failures: Failure[];
  elapsedMs: number;
  violations: number;
}

export interface Outcome {
  status: number;
  /** Writes the table took while answering (abuse-limit counters aside). */
  writes: number;
  violation?: Violation;
  labels: string[];
  wire: string;
  response: string;
}

const isErrorShape = (body: Buffer): boolean => {
  try {
    const parsed = JSON.parse(body.toString('utf8')) as { error?: Record<string, unknown> };
    const e = parsed?.error;
    return (
      typeof e === 'object' &&
      e !== null &&
      typeof e.code === 'string' &&
      typeof e.message === 'string' &&
      typeof e.messageVi === 'string'
    );
  } catch {
    return false;
  }
};

const describeResponse = (res: WireResponse) => `${res.status} ${res.body.toString('utf8').slice(0, 400)}`;

/** Deterministic per-route, per-chunk seeds from the campaign's one seed. */
function chunkSeed(seed: number, operationId: string, chunk: number): number {
  let h = 2166136261 ^ seed;
  for (const ch of `${operationId}#${chunk}`) h = Math.imul(h ^ ch.charCodeAt(0), 16777619);
  return h | 0;
}

export class Campaign {
  readonly operations: Operation[];
  private readonly resolve;
  private readonly wire: Wire;
  private readonly writes: WriteLog;
  private seq = 0;

  private constructor(
    readonly fx: Fixtures,
    doc: OpenApi,
    concurrency: number,
  ) {
    this.operations = operationsOf(doc);
    this.resolve = resolver(doc);
    this.wire = wireTo(fx.portal.url, concurrency);
    this.writes = watchWrites(fx.portal);
  }

  /** Reads the portal's OpenAPI document and gets ready to attack it. */
  static async against(fx: Fixtures, concurrency = 16): Promise<Campaign> {
    const res = await fetch(`${fx.portal.url}/openapi.json`);
    if (res.status !== 200) throw new Error(`GET /openapi.json answered ${res.status}`);
    return new Campaign(fx, (await res.json()) as OpenApi, concurrency);
  }

  close() {
    this.writes.stop();
    this.wire.close();
  }

  arbitrary(op: Operation): fc.Arbitrary<FuzzCase> {
    return caseArbitrary(op, this.fx, this.resolve);
  }

  operation(idOrKey: string): Operation {
    const op = this.operations.find((o) => o.operationId === idOrKey || o.key === idOrKey);
    if (!op) throw new Error(`no operation ${idOrKey} in /openapi.json`);
    return op;
  }

  /** Sends one case and judges the answer. */
  async exchange(op: Operation, c: FuzzCase): Promise<Outcome> {
    const m = materialize(op, c, this.fx);
    const id = `fz-${++this.seq}`;
    m.wire.headers[FUZZ_ID_HEADER] = id;
    const wire = describeWire(m.wire);
    let res: WireResponse;
    try {
      res = await this.wire.send(m.wire);
    } catch (err) {
      this.writes.take(id);
      return {
        status: 0,
        writes: 0,
        labels: m.labels,
        wire,
        response: String(err),
        violation: { kind: 'no-answer', detail: (err as Error).message },
      };
    }
    const writes = this.writes.take(id);
    const outcome: Outcome = {
      status: res.status,
      writes: writes.length,
      labels: m.labels,
      wire,
      response: describeResponse(res),
    };
    const violation = judge(m.wire.method, res, writes);
    if (violation) outcome.violation = violation;
    return outcome;
  }

  /**
   * Sends one case alone in a quiet moment, the table's digest taken before and after: a 4xx must leave
   * it unchanged. Returns the violation, if any, and the status.
   */
  async quietCheck(
    op: Operation,
    c: FuzzCase,
  ): Promise<{ status: number; changed?: Violation; outcome: Outcome }> {
    const before = await quietTable(this.fx.portal);
    const outcome = await this.exchange(op, c);
    if (outcome.status < 400 || outcome.status >= 500) return { status: outcome.status, outcome };
    const after = await quietTable(this.fx.portal);
    if (after.digest === before.digest) return { status: outcome.status, outcome };
    return {
      status: outcome.status,
      outcome,
      changed: {
        kind: 'table-changed',
        detail: `table digest changed after a ${outcome.status} (items ${before.items} → ${after.items})`,
      },
    };
  }

  /** Replays the case at `path` of a property run with `seed`, shrinking while it still fails as `kind`. */
  async shrink(op: Operation, seed: number, path: string, kind: ViolationKind, shrinkMs: number) {
    let last: Outcome | undefined;
    const details = await fc.check(
      fc.asyncProperty(this.arbitrary(op), async (c) => {
        const o = await this.exchange(op, c);
        // The same kind of failure, so shrinking stays on it.
        if (o.violation?.kind === kind) {
          last = o;
          return false;
        }
        return true;
      }),
      { seed, path, numRuns: 1, interruptAfterTimeLimit: shrinkMs, markInterruptAsFailure: false },
    );
    return details.failed && last
      ? { shrunk: true, path: details.counterexamplePath ?? path, outcome: last }
      : undefined;
  }

  async run(options: CampaignOptions): Promise<CampaignReport> {
    const started = Date.now();
    const chunkSize = options.chunkSize ?? 100;
    const concurrency = options.concurrency ?? 16;
    const ops = options.only?.length ? options.only.map((o) => this.operation(o)) : this.operations;
    const stats = new Map<string, RouteStats>(
      ops.map((op) => [
        op.operationId,
        {
          route: op.key,
          operationId: op.operationId,
          requests: 0,
          s2xx: 0,
          s3xx: 0,
          s4xx: 0,
          s5xx: 0,
          badShape: 0,
          changedAfter4xx: 0,
          noAnswer: 0,
          quietChecks: 0,
          quietChanged: 0,
        },
      ]),
    );
    const firstFailures: Array<{ op: Operation; seed: number; index: number; outcome: Outcome }> = [];
    const seenKinds = new Set<string>();
    let done = 0;
    let serverErrors = 0;
    const total = ops.length * options.runs;

    const tally = (op: Operation, o: Outcome) => {
      const s = stats.get(op.operationId)!;
      s.requests++;
      done++;
      if (o.status >= 500) serverErrors++;
      if (o.status >= 200 && o.status < 300) s.s2xx++;
      else if (o.status >= 300 && o.status < 400) s.s3xx++;
      else if (o.status >= 400 && o.status < 500) s.s4xx++;
      else if (o.status >= 500) s.s5xx++;
      if (o.violation?.kind === 'error-shape') s.badShape++;
      if (o.violation?.kind === 'table-changed') s.changedAfter4xx++;
      if (o.violation?.kind === 'no-answer') s.noAnswer++;
    };

    // Chunk-major order: every route advances together, so a slow route is not left for the end.
    const tasks: Array<{ op: Operation; seed: number; runs: number }> = [];
    const chunks = Math.ceil(options.runs / chunkSize);
    for (let k = 0; k < chunks; k++)
      for (const op of ops)
        tasks.push({
          op,
          seed: chunkSeed(options.seed, op.operationId, k),
          runs: Math.min(chunkSize, options.runs - k * chunkSize),
        });

    const ticker = setInterval(
      () => options.onProgress?.({ done, total, serverErrors, elapsedMs: Date.now() - started }),
      5_000,
    );
    try {
      let next = 0;
      // One property run per worker at a time; each run is sequential, so `concurrency` runs in parallel.
      const worker = async () => {
        for (;;) {
          const task = tasks[next++];
          if (!task) return;
          let index = 0;
          await fc.assert(
            fc.asyncProperty(this.arbitrary(task.op), async (c) => {
              const i = index++;
              const o = await this.exchange(task.op, c);
              tally(task.op, o);
              if (o.violation) {
                const kind = `${task.op.operationId}|${o.violation.kind}|${o.status}`;
                if (!seenKinds.has(kind)) {
                  seenKinds.add(kind);
                  firstFailures.push({ op: task.op, seed: task.seed, index: i, outcome: o });
                  options.onFailure?.({
                    route: task.op.key,
                    kind: o.violation.kind,
                    status: o.status,
                    labels: o.labels,
                  });
                }
              }
              return true;
            }),
            { seed: task.seed, numRuns: task.runs },
          );
        }
      };
      await Promise.all(Array.from({ length: concurrency }, worker));
    } finally {
      clearInterval(ticker);
    }
    options.onProgress?.({ done, total, serverErrors, elapsedMs: Date.now() - started });

    // The quiet samples: one request alone, the table's digest before and after.
    const failures: Failure[] = [];
    // Writes only: a read's own writes are already caught per request, and each sample costs a quiet moment.
    for (const op of ops.filter((o) => o.method !== 'GET')) {
      const samples = options.quietSamples ?? 0;
      if (!samples) break;
      const seed = chunkSeed(options.seed, op.operationId, -1);
      const cases = fc.sample(this.arbitrary(op), { seed, numRuns: samples });
      for (const [i, c] of cases.entries()) {
        const s = stats.get(op.operationId)!;
        const checked = await this.quietCheck(op, c);
        s.quietChecks++;
        const problem = checked.changed ?? checked.outcome.violation;
        if (checked.changed) s.quietChanged++;
        else if (problem?.kind === 'server-error') s.s5xx++;
        else if (problem?.kind === 'error-shape') s.badShape++;
        else if (problem?.kind === 'table-changed') s.changedAfter4xx++;
        else if (problem?.kind === 'no-answer') s.noAnswer++;
        if (problem) {
          failures.push({
            route: op.key,
            operationId: op.operationId,
            violation: problem,
            seed,
            path: String(i),
            shrunk: false,
            request: checked.outcome.wire,
            response: checked.outcome.response,
          });
        }
      }
    }

    // Each kind of failure, replayed from its seed and path and shrunk to a smaller request.
    for (const f of firstFailures) {
      const shrunk = await this.shrink(
        f.op,
        f.seed,
        String(f.index),
        f.outcome.violation!.kind,
        options.shrinkMs ?? 20_000,
      ).catch(() => undefined);
      const o = shrunk?.outcome ?? f.outcome;
      failures.push({
        route: f.op.key,
        operationId: f.op.operationId,
        violation: o.violation ?? f.outcome.violation!,
        seed: f.seed,
        path: shrunk?.path ?? String(f.index),
        shrunk: Boolean(shrunk),
        request: o.wire,
        response: o.response,
      });
    }
    const routes = [...stats.values()];
    const violations = routes.reduce(
      (n, r) => n + r.badShape + r.changedAfter4xx + r.noAnswer + r.quietChanged + r.s5xx,
      0,
    );
    return {
      seed: options.seed,
      runsPerRoute: options.runs,
      routes,
      failures,
      elapsedMs: Date.now() - started,
      violations,
    };
  }
}

/** What is wrong with an answer, if anything. */
function judge(method: string, res: WireResponse, writes: TableWrite[]): Violation | undefined {
  if (res.status >= 500) return { kind: 'server-error', detail: `answered ${res.status}` };
  if (res.status >= 400) {
    if (method !== 'HEAD' && !isErrorShape(res.body))
      return { kind: 'error-shape', detail: `a ${res.status} not in the error shape` };
    if (writes.length)
      return {
        kind: 'table-changed',
        detail: `a ${res.status} after writing: ${writes.map((w) => `${w.command} ${w.keys.join(',')}`).join('; ')}`,
      };
  }
  return undefined;
}

export { tableDigest };
