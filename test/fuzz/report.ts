/** The campaign's report as text: one row per route, totals, then each failure with its replay. */
import type { CampaignReport, Failure } from './campaign.js';

const pad = (s: string | number, n: number, right = false) =>
  right ? String(s).padStart(n) : String(s).padEnd(n);

export function formatReport(r: CampaignReport): string {
  const width = Math.max(5, ...r.routes.map((x) => x.route.length));
  const cols = ['requests', '2xx', '3xx', '4xx', '5xx', 'shape', 'chg4xx', 'quiet'] as const;
  const head = `${pad('route', width)}  ${cols.map((c) => pad(c, 8, true)).join(' ')}`;
  const lines = [head, '-'.repeat(head.length)];
  const total = {
    requests: 0,
    s2xx: 0,
    s3xx: 0,
    s4xx: 0,
    s5xx: 0,
    badShape: 0,
    changed: 0,
    quiet: 0,
  };
  for (const x of r.routes) {
    const changed = x.changedAfter4xx + x.quietChanged;
    total.requests += x.requests;
    total.s2xx += x.s2xx;
    total.s3xx += x.s3xx;
    total.s4xx += x.s4xx;
    total.s5xx += x.s5xx;
    total.badShape += x.badShape;
    total.changed += changed;
    total.quiet += x.quietChecks;
    lines.push(
      `${pad(x.route, width)}  ${[
        x.requests,
        x.s2xx,
        x.s3xx,
        x.s4xx,
        x.s5xx,
        x.badShape,
        changed,
        `${x.quietChecks}`,
      ]
        .map((v) => pad(v, 8, true))
        .join(' ')}`,
    );
  }
  lines.push('-'.repeat(head.length));
  lines.push(
    `${pad(`total (${r.routes.length} routes)`, width)}  ${[
      total.requests,
      total.s2xx,
      total.s3xx,
      total.s4xx,
      total.s5xx,
      total.badShape,
      total.changed,
      total.quiet,
    ]
      .map((v) => pad(v, 8, true))
      .join(' ')}`,
  );
  const secs = r.elapsedMs / 1000;
  lines.push(
    '',
    `${total.requests} requests in ${secs.toFixed(1)} s (${(total.requests / secs).toFixed(0)}/s), seed ${r.seed}; ` +
      'shape = 4xx not in the error shape; chg4xx = a 4xx that changed the table; quiet = requests checked alone against a table digest',
  );
  if (r.failures.length) {
    lines.push('', `${r.failures.length} failure kind(s):`);
    for (const f of r.failures) lines.push('', formatFailure(f));
  }
  lines.push('', r.violations ? `FAILED: ${r.violations} violation(s)` : 'OK: no violations');
  return lines.join('\n');
}

export function formatFailure(f: Failure): string {
  return [
    `✗ ${f.route} — ${f.violation.kind}: ${f.violation.detail}${f.shrunk ? ' (shrunk)' : ''}`,
    `  replay: npm run fuzz -- --replay ${f.operationId} --seed ${f.seed} --path ${f.path}`,
    ...f.request.split('\n').map((l) => `  > ${l}`),
    `  < ${f.response}`,
  ].join('\n');
}
