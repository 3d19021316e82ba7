/** What `npm run scale` reports: per partition, per route, per relay and per account limit. */
import { routeKey, routes } from '../../functions/routes.js';
import type { SimulationResult } from './simulation.js';
import { LIMITS, type PartitionLoad } from './throttled-table.js';

/**
 * Account limits the report compares against, with where each number comes from (defaults of a new
 * account in ap-southeast-1; all but the per-partition ones can be raised by asking AWS).
 */
export const ACCOUNT_LIMITS = {
  dynamoPartitionWrite: {
    value: LIMITS.writeUnitsPerPartition,
    source: 'DynamoDB developer guide, partitions: 1,000 WCU/s per partition (hard)',
  },
  dynamoPartitionRead: {
    value: LIMITS.readUnitsPerPartition,
    source: 'DynamoDB developer guide, partitions: 3,000 RCU/s per partition (hard)',
  },
  dynamoTableOnDemand: {
    value: 40_000,
    source: 'DynamoDB service quotas: on-demand table default 40,000 RRU/s and 40,000 WRU/s (raisable)',
  },
  lambdaConcurrency: {
    value: 1_000,
    source:
      'Lambda quotas: 1,000 concurrent executions per Region (raisable); +1,000 per function every 10 s',
  },
  apiGatewayRps: {
    value: 10_000,
    source: 'API Gateway quotas: 10,000 requests/s per account per Region, burst 5,000 (raisable)',
  },
  sqsStandard: {
    value: Number.POSITIVE_INFINITY,
    source: 'SQS quotas: standard queues support a nearly unlimited number of API calls per second',
  },
} as const;

/**
 * Assumed latency of one AWS call from Lambda in the same Region (DynamoDB single-digit ms, SQS
 * ~10 ms): the in-process handlers answer without the network, so a Lambda's duration is estimated as
 * in-process time + calls × this.
 */
export const AWS_CALL_MS = 8;

const percentile = (sorted: number[], p: number) =>
  sorted.length ? sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]! : Number.NaN;
const round = (n: number, d = 1) => (Number.isFinite(n) ? Math.round(n * 10 ** d) / 10 ** d : n);

function peak(m: Map<number, number>) {
  let max = 0;
  for (const v of m.values()) max = Math.max(max, v);
  return max;
}

/** `DOSSIER#1.011723-…` → `DOSSIER#…`: the class of keys a partition belongs to. */
export function keyClass(key: string): string {
  const parts = key.split('#');
  return parts
    .map((p, i) => (i === 0 ? p : /^[A-Z]+$/.test(p) || /^(ack|due|pending|biller)$/.test(p) ? p : '…'))
    .join('#');
}

export interface PartitionRow {
  index: string;
  key: string;
  class: string;
  peakWcuPerSecond: number;
  meanWcuPerSecond: number;
  peakRcuPerSecond: number;
  meanRcuPerSecond: number;
  writeLimit: number;
  readLimit: number;
  /** Peak over limit; above 1 the partition throttles. */
  utilisation: number;
  writeThrottles: number;
  readThrottles: number;
}

export function buildReport(r: SimulationResult, top = 10) {
  const seconds = r.simulatedSeconds;
  const writeLimit = r.options.limits?.write ?? LIMITS.writeUnitsPerPartition;
  const readLimit = r.options.limits?.read ?? LIMITS.readUnitsPerPartition;
  const sum = (m: Map<number, number>) => [...m.values()].reduce((a, b) => a + b, 0);
  const rowOf = (l: PartitionLoad): PartitionRow => {
    const pw = peak(l.wcu);
    const pr = peak(l.rcu);
    return {
      index: l.index,
      key: l.key,
      class: keyClass(l.key),
      peakWcuPerSecond: round(pw),
      meanWcuPerSecond: round(sum(l.wcu) / seconds),
      peakRcuPerSecond: round(pr),
      meanRcuPerSecond: round(sum(l.rcu) / seconds),
      writeLimit,
      readLimit,
      utilisation: round(Math.max(pw / writeLimit, pr / readLimit), 2),
      writeThrottles: l.writeThrottles,
      readThrottles: l.readThrottles,
    };
  };
  const rows = [...r.table.loads.values()].map(rowOf);
  const indexes = ['table', 'gsi1', 'gsi2', 'gsi3'];
  const hottest = Object.fromEntries(
    indexes.map((index) => {
      const mine = rows.filter((x) => x.index === index);
      return [
        index,
        {
          partitionKeys: mine.length,
          writeThrottles: mine.reduce((s, x) => s + x.writeThrottles, 0),
          readThrottles: mine.reduce((s, x) => s + x.readThrottles, 0),
          byWrites: [...mine].sort((a, b) => b.peakWcuPerSecond - a.peakWcuPerSecond).slice(0, top),
          byReads: [...mine]
            .filter((x) => x.peakRcuPerSecond > 0)
            .sort((a, b) => b.peakRcuPerSecond - a.peakRcuPerSecond)
            .slice(0, top),
        },
      ];
    }),
  );
  // Per class of key: the worst partition of the class, and how many of its partitions exceed a limit.
  const classes = new Map<
    string,
    { index: string; class: string; partitions: number; over: number; worst: PartitionRow }
  >();
  for (const x of rows) {
    const id = `${x.index} ${x.class}`;
    const c = classes.get(id);
    if (!c)
      classes.set(id, {
        index: x.index,
        class: x.class,
        partitions: 1,
        over: x.utilisation > 1 ? 1 : 0,
        worst: x,
      });
    else {
      c.partitions++;
      if (x.utilisation > 1) c.over++;
      if (x.utilisation > c.worst.utilisation) c.worst = x;
    }
  }
  const keyClasses = [...classes.values()]
    .sort((a, b) => b.worst.utilisation - a.worst.utilisation)
    .map((c) => ({
      index: c.index,
      class: c.class,
      partitions: c.partitions,
      overLimit: c.over,
      worstKey: c.worst.key,
      peakWcuPerSecond: c.worst.peakWcuPerSecond,
      peakRcuPerSecond: c.worst.peakRcuPerSecond,
      utilisation: c.worst.utilisation,
    }));

  // Routes: the in-process handlers (no network), labelled as such.
  const routeRows = [...r.routes.entries()].map(([route, s]) => {
    const sorted = [...s.latencies].sort((a, b) => a - b);
    const n = s.latencies.length;
    const mean = s.latencies.reduce((a, b) => a + b, 0) / (n || 1);
    return {
      route,
      requests: n,
      perSecond: round(n / seconds),
      statuses: Object.fromEntries([...s.statuses.entries()].sort((a, b) => a[0] - b[0])),
      inProcessMsP50: round(percentile(sorted, 50)),
      inProcessMsP95: round(percentile(sorted, 95)),
      inProcessMsP99: round(percentile(sorted, 99)),
      inProcessMsMean: round(mean),
      awsCallsPerRequest: round(s.calls / (n || 1), 2),
      sdkRetriesPerRequest: round(s.retries / (n || 1), 3),
    };
  });
  const relayRows = [...r.relayInvocations.entries()].map(([fn, s]) => {
    const sorted = [...s.latencies].sort((a, b) => a - b);
    const mean = s.latencies.reduce((a, b) => a + b, 0) / (s.count || 1);
    return {
      function: fn,
      invocations: s.count,
      perSecond: round(s.count / seconds, 2),
      failedRecords: s.failures,
      inProcessMsP50: round(percentile(sorted, 50)),
      inProcessMsP99: round(percentile(sorted, 99)),
      inProcessMsMean: round(mean),
      awsCallsPerInvocation: round(s.calls / (s.count || 1), 1),
    };
  });

  // Little's law: concurrency = arrival rate × time in the system (estimated Lambda duration).
  const byFunction = new Map<string, { perSecond: number; durationMs: number }>();
  for (const row of routeRows) {
    const fn = functionOfRoute(row.route);
    const d = row.inProcessMsMean + row.awsCallsPerRequest * AWS_CALL_MS;
    const prior = byFunction.get(fn) ?? { perSecond: 0, durationMs: 0 };
    const total = prior.perSecond + row.perSecond;
    byFunction.set(fn, {
      perSecond: total,
      durationMs: total ? (prior.durationMs * prior.perSecond + d * row.perSecond) / total : 0,
    });
  }
  for (const row of relayRows) {
    byFunction.set(row.function, {
      perSecond: row.perSecond,
      durationMs: row.inProcessMsMean + row.awsCallsPerInvocation * AWS_CALL_MS,
    });
  }
  const concurrency = [...byFunction.entries()].map(([fn, f]) => ({
    function: fn,
    invocationsPerSecond: round(f.perSecond),
    estimatedDurationMs: round(f.durationMs),
    concurrencyNeeded: Math.ceil((f.perSecond * f.durationMs) / 1000),
  }));
  const totalConcurrency = concurrency.reduce((s, c) => s + c.concurrencyNeeded, 0);
  const apiRps = routeRows.reduce((s, x) => s + x.perSecond, 0);

  const queues = [...r.queues.entries()]
    .map(([url, n]) => ({
      queue: url.split('/').pop()!,
      messagesPerSecond: round(n / seconds),
      depthAfterPeakIfNotDrained: Math.round((n / seconds) * r.options.seconds),
    }))
    .sort((a, b) => b.messagesPerSecond - a.messagesPerSecond);

  const throttles = {
    write: rows.reduce((s, x) => s + x.writeThrottles, 0),
    read: rows.reduce((s, x) => s + x.readThrottles, 0),
    partitionsOverLimit: rows.filter((x) => x.utilisation > 1).length,
  };
  const tableTotals = {
    peakWcuPerSecond: round(peakTotal(r, 'wcu')),
    peakRcuPerSecond: round(peakTotal(r, 'rcu')),
    /** The write quota enforced on the table (none: not enforced), and the writes it refused. */
    writeQuota: r.options.tableWriteQuota ?? null,
    quotaThrottles: r.table.tableQuotaThrottles,
    calls: Object.fromEntries(r.table.calls),
  };

  return {
    command: r.options,
    simulated: {
      virtualSeconds: seconds,
      wallSeconds: round(r.wallSeconds),
      extrapolation:
        `Each of the ${seconds} simulated virtual second(s) carried the full load (${r.options.rate} submissions/s and ` +
        `${round(r.options.readers / r.options.thinkSeconds)} reads/s); per-partition figures are per virtual second at full ` +
        `rate, not scaled. The load is stationary (same mix and key distribution every second), so they hold for each of the ` +
        `${r.options.seconds} s of the peak; totals (queue depths) are per-second means × ${r.options.seconds} s. ` +
        'Not captured: anything slower than the slice (partition splits, adaptive capacity — not assumed — and day or month ' +
        'boundaries of time-keyed items).',
      loadShape: {
        assumption: r.skew.assumption,
        hotProcedure: `1.011723 (BHYT card for a child under 6, province social insurance) ${Math.round(r.options.hotShare * 100)}% of submissions; the rest 1.002758 (BHYT reissue, one national-level agency bhxh-hn)`,
        topProvinces: r.skew.provinceShares
          .slice(0, 5)
          .map((p) => ({ ...p, share: round(p.share * 100, 1) })),
        readers: `${r.options.readers} concurrent readers, one request every ${r.options.thinkSeconds} s each: 40% public tracking, 25% owner's dossier view, 20% my dossiers, 15% catalog search`,
      },
    },
    limits: ACCOUNT_LIMITS,
    throttles,
    table: tableTotals,
    keyClasses,
    hottest,
    routes: routeRows,
    relays: relayRows,
    queues,
    lambda: {
      awsCallMsAssumed: AWS_CALL_MS,
      functions: concurrency,
      totalConcurrencyNeeded: totalConcurrency,
      accountLimit: ACCOUNT_LIMITS.lambdaConcurrency.value,
    },
    apiGateway: { requestsPerSecond: round(apiRps), accountLimit: ACCOUNT_LIMITS.apiGatewayRps.value },
  };
}

function peakTotal(r: SimulationResult, kind: 'wcu' | 'rcu') {
  const perSecond = new Map<number, number>();
  for (const l of r.table.loads.values()) {
    if (l.index !== 'table') continue;
    for (const [s, v] of l[kind]) perSecond.set(s, (perSecond.get(s) ?? 0) + v);
  }
  return peak(perSecond);
}

/** Route key → the function group that serves it, from the one route table. */
const routeOwners = new Map(routes.map((x) => [routeKey(x), x.fn as string]));
const functionOfRoute = (route: string) => routeOwners.get(route) ?? route;

export type ScaleReport = ReturnType<typeof buildReport>;

/** The human table on stdout. */
export function printReport(rep: ScaleReport, log: (s: string) => void = console.log) {
  log(
    `\nCổng at a national peak — ${rep.command.rate} submissions/s, ${rep.command.readers} readers; ` +
      `${rep.simulated.virtualSeconds} virtual s simulated in ${rep.simulated.wallSeconds} s`,
  );
  log(rep.simulated.extrapolation);
  log(`Load: ${rep.simulated.loadShape.assumption}; ${rep.simulated.loadShape.hotProcedure}.`);
  log('\nKey classes by their hottest partition (units per virtual second; limits 1,000 WCU / 3,000 RCU)');
  console.table(rep.keyClasses.slice(0, 20));
  for (const [index, h] of Object.entries(rep.hottest)) {
    if (!h.partitionKeys) continue;
    log(
      `\n${index}: ${h.partitionKeys} partition keys, throttled writes ${h.writeThrottles}, reads ${h.readThrottles}`,
    );
    console.table(
      h.byWrites.slice(0, 6).map((x) => ({
        key: x.key,
        peakWcu: x.peakWcuPerSecond,
        meanWcu: x.meanWcuPerSecond,
        peakRcu: x.peakRcuPerSecond,
        utilisation: x.utilisation,
        writeThrottles: x.writeThrottles,
      })),
    );
  }
  log('\nRoutes (latency of the in-process handlers, no network)');
  console.table(rep.routes.map((x) => ({ ...x, statuses: JSON.stringify(x.statuses) })));
  log('\nStream relays (batches of 100 records)');
  console.table(rep.relays);
  log('\nQueues (arrivals; the dispatcher and notifier are not driven)');
  console.table(rep.queues.slice(0, 8));
  log(
    `\nLambda concurrency needed (Little's law; duration = in-process time + ${rep.lambda.awsCallMsAssumed} ms per AWS call)`,
  );
  console.table(rep.lambda.functions);
  log(
    `total ${rep.lambda.totalConcurrencyNeeded} vs account default ${rep.lambda.accountLimit}; ` +
      `API Gateway ${rep.apiGateway.requestsPerSecond} req/s vs account default ${rep.apiGateway.accountLimit}`,
  );
  log(
    `table (without its indexes): peak ${rep.table.peakWcuPerSecond} write and ${rep.table.peakRcuPerSecond} read units/s ` +
      `vs the on-demand default of ${rep.limits.dynamoTableOnDemand.value} each` +
      (rep.table.writeQuota === null
        ? ' (not enforced; --table-quota enforces one)'
        : `; a quota of ${rep.table.writeQuota} enforced: ${rep.table.quotaThrottles} writes refused over it`),
  );
  log(
    `Throttled: ${rep.throttles.write} writes, ${rep.throttles.read} reads; partitions over a limit: ${rep.throttles.partitionsOverLimit}`,
  );
}
