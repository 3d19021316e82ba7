/**
 * One chaos run: the local portal under a fault plan, realistic load through the public API, the
 * faults stopped, the operator's drain, then the invariants. Shared by `npm run chaos` and the
 * integration test.
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { createFaults, type FaultPlanInput, uniformPlan } from '../../lib/local/faults.js';
import { type LocalPortal, startLocalPortal } from '../../lib/local/portal.js';
import { type CheckReport, checkInvariants } from './checks.js';
import { type ClientStats, chaosClient } from './client.js';
import { type DrainReport, drain } from './drain.js';
import { type LoadPlan, planLoad, plannedDossiers, runLoad } from './load.js';

/** Agencies the simulator drives to a result, so the interlinked bundle hands over all its steps. */
const RESULT_AGENCIES = ['xa-00070', 'cahn', 'bhxh-hn'];

export interface ChaosOptions {
  dossiers: number;
  payments: number;
  petitions: number;
  /** Rate of each AWS-side fault family, and of agency failures. */
  awsRate: number;
  agencyRate: number;
  seed: number;
  concurrency: number;
  drainTimeoutMs: number;
  /** A full plan instead of the uniform one built from the two rates. */
  plan?: FaultPlanInput;
  onPhase?: (phase: string) => void;
  onLoad?: (dossiers: number, petitions: number, planned: LoadPlan) => void;
}

export interface ChaosReport {
  plan: LoadPlan;
  filed: { submissions: number; dossiersPlanned: number; petitions: number; payments: number };
  accepted: { submissions: number; dossiers: number; petitions: number; payments: number };
  refusals: { what: string; status: number; code?: string }[];
  injected: Record<string, number>;
  client: ClientStats;
  drain: DrainReport;
  checks: CheckReport;
  ms: { load: number; drain: number; checks: number; total: number };
  ok: boolean;
}

export async function runChaos(options: ChaosOptions): Promise<ChaosReport> {
  const started = Date.now();
  // Quick retries and short dispatch timeouts keep the incident's backoffs within minutes; the abuse
  // limits would refuse the load itself.
  Object.assign(process.env, {
    CONG_RATE_LIMITS: 'off',
    DISPATCH_BACKOFF_SCALE: '0.01',
    DISPATCH_POST_TIMEOUT_MS: '2000',
    POWERTOOLS_LOG_LEVEL: 'CRITICAL',
  });
  const faults = createFaults(
    options.plan ?? uniformPlan({ aws: options.awsRate, agencies: options.agencyRate, seed: options.seed }),
  );
  options.onPhase?.('starting the local portal');
  const portal: LocalPortal = await startLocalPortal({
    port: 0,
    ephemeral: true,
    quiet: true,
    simulatorDelayMs: 50,
    faults,
    reconcileIntervalMs: 30_000,
    slaIntervalMs: 0,
    escalationIntervalMs: 0,
  });
  const db = DynamoDBDocumentClient.from(new DynamoDBClient(portal.stores.clientOptions('dynamodb')));
  try {
    for (const id of RESULT_AGENCIES) portal.simulator.setMode(id, 'approve_and_result');
    const client = chaosClient(portal.url);
    const tokens = new Map<string, Promise<string>>();
    const tokenFor = (key: string, make: () => Promise<string>) => {
      if (!tokens.has(key)) tokens.set(key, make());
      return tokens.get(key)!;
    };
    const identities = {
      citizen: (n: number) =>
        tokenFor(`c${n % 200}`, () => portal.token({ sub: `chaos-citizen-${n % 200}` })),
      business: () =>
        tokenFor('b', () =>
          portal.token({ sub: 'chaos-enterprise', role: 'business', taxCode: '0101234567' }),
        ),
    };
    const plan = planLoad(options.dossiers, options.payments, options.petitions);
    options.onPhase?.('filing under faults');
    const loadStarted = Date.now();
    const load = await runLoad({
      client,
      identities,
      plan,
      concurrency: options.concurrency,
      seed: options.seed,
      run: `${options.seed}-${Date.now().toString(36)}`,
      onProgress: (d, p) => options.onLoad?.(d, p, plan),
    });
    const loadMs = Date.now() - loadStarted;

    options.onPhase?.('faults stopped; draining');
    faults.stop();
    const drainStarted = Date.now();
    const expect = {
      dossierStatus: (agencyId: string) =>
        RESULT_AGENCIES.includes(agencyId) ? 'result_issued' : 'in_progress',
      petitionStatus: 'published',
    };
    const drained = await drain(portal, db, {
      timeoutMs: options.drainTimeoutMs,
      // Quiet enough once every accepted dossier and petition is where its agency drove it.
      done: async () => {
        const { loadDossiers } = await import('../../functions/core/dossier-store.js');
        const codes = load.submissions.flatMap((s) => s.dossiers);
        for (let i = 0; i < codes.length; i += 100) {
          const batch = codes.slice(i, i + 100);
          const found = await loadDossiers(batch.map((d) => d.code));
          const byCode = new Map(found.map((d) => [d.code, d.status]));
          if (batch.some((d) => byCode.get(d.code) !== expect.dossierStatus(d.agencyId))) return false;
        }
        return true;
      },
    });
    const drainMs = Date.now() - drainStarted;

    options.onPhase?.('checking invariants');
    const checksStarted = Date.now();
    const checks = await checkInvariants({
      portal,
      db,
      submissions: load.submissions,
      petitions: load.petitions,
      expect,
    });
    const dossiers = load.submissions.reduce((n, s) => n + s.dossiers.length, 0);
    return {
      plan,
      filed: {
        submissions: load.filed,
        dossiersPlanned: plannedDossiers(plan),
        petitions: load.petitionsFiled,
        payments: plan.paid,
      },
      accepted: {
        submissions: load.submissions.length,
        dossiers,
        petitions: load.petitions.length,
        payments: load.paymentsApproved,
      },
      refusals: load.refusals,
      injected: { ...faults.injected },
      client: client.stats,
      drain: drained,
      checks,
      ms: { load: loadMs, drain: drainMs, checks: Date.now() - checksStarted, total: Date.now() - started },
      // Everything filed must be accepted: a refusal under faults is a lost submission to its citizen.
      ok: checks.violations.length === 0 && load.refusals.length === 0,
    };
  } finally {
    db.destroy();
    await portal.stop();
  }
}

/** The figures a run prints. */
export function summary(r: ChaosReport): string {
  const c = r.checks;
  const doubled = Object.values(c.doubled).reduce((a, b) => a + b, 0);
  const lost = c.lost.dossiers + c.lost.petitions + c.lost.submissions;
  const pct = (n: number, of: number) => (of === 0 ? '100.00' : ((100 * n) / of).toFixed(2));
  const injected = Object.entries(r.injected).reduce<Record<string, number>>((acc, [k, v]) => {
    const family = k.split('.').slice(0, 2).join('.');
    acc[family] = (acc[family] ?? 0) + v;
    return acc;
  }, {});
  const lines = [
    `filed        ${r.filed.submissions} submissions (${r.plan.single} single, ${r.plan.paid} paid, ${r.plan.provinces} to every province, ${r.plan.bundle} interlinked), ${r.filed.petitions} petitions`,
    `accepted     ${r.accepted.submissions} submissions = ${r.accepted.dossiers} dossiers, ${r.accepted.payments} payments approved, ${r.accepted.petitions} petitions; refused ${r.refusals.length}`,
    `lost         ${lost} (dossiers ${c.lost.dossiers}, submissions ${c.lost.submissions}, petitions ${c.lost.petitions})`,
    `doubled      ${doubled} (timeline events ${c.doubled.timelineEvents}, credits ${c.doubled.credits}, delivered as new twice ${c.doubled.deliveredAsNew}, petition events ${c.doubled.petitionEvents}, petitions delivered twice ${c.doubled.petitionsDeliveredAsNew})`,
    `converged    ${pct(c.converged.dossiers, c.dossiers)}% of dossiers (${c.converged.dossiers}/${c.dossiers}), ${pct(c.converged.petitions, c.petitions)}% of petitions (${c.converged.petitions}/${c.petitions})`,
    `chains       ${c.chainsVerified}/${c.dossiers} timelines verify`,
    `counters     ${c.counters.differences === 0 ? 'equal to a rebuild' : `${c.counters.differences} differ from a rebuild`} (${c.counters.agencies} agencies)`,
    `dead letters ${r.drain.redriven} redriven by the operator, ${c.deadLetters.remaining} left, ${c.deadLetters.accounted} of them accounted for; ${r.drain.resumed} agencies resumed after 410, ${r.drain.reconciled} payments reconciled`,
    `faults       ${Object.entries(injected)
      .map(([k, v]) => `${k} ${v}`)
      .join(', ')}`,
    `drain        ${r.drain.quiet ? 'quiet' : 'gave up'} after ${r.drain.rounds} operator passes${
      Object.keys(r.drain.stillQueued).length
        ? `; still queued: ${Object.entries(r.drain.stillQueued)
            .map(([q, n]) => `${q} ${n}`)
            .join(', ')}`
        : ''
    }`,
    `client       ${r.client.requests} requests, ${r.client.retries} retried, ${r.client.gaveUp} gave up`,
    `time         load ${(r.ms.load / 1000).toFixed(0)} s, drain ${(r.ms.drain / 1000).toFixed(0)} s, checks ${(r.ms.checks / 1000).toFixed(0)} s, total ${(r.ms.total / 1000).toFixed(0)} s`,
  ];
  if (r.refusals.length)
    lines.push(
      'refusals:',
      ...r.refusals.slice(0, 10).map((x) => `  ${x.what}: ${x.status} ${x.code ?? ''}`),
    );
  if (c.violations.length)
    lines.push(
      `violations (${c.violations.length}):`,
      ...c.violations.slice(0, 25).map((v) => `  [${v.invariant}] ${v.subject}: ${v.detail}`),
    );
  lines.push(r.ok ? 'OK: nothing lost, nothing doubled, everything converged' : 'FAILED');
  return lines.join('\n');
}
