import { afterEach, describe, expect, it, vi } from 'vitest';
import {
  type BusinessMetric,
  countEvent,
  METRICS_NAMESPACE,
  onBusinessMetric,
} from '../../functions/core/metrics.js';

type Emf = {
  _aws: { CloudWatchMetrics: { Namespace: string; Dimensions: string[][]; Metrics: { Name: string }[] }[] };
  [key: string]: unknown;
};

/** The EMF lines written to stdout while `run` runs. */
function emfLines(run: () => void): Emf[] {
  const lines: string[] = [];
  const spy = vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
    lines.push(String(chunk));
    return true;
  });
  try {
    run();
  } finally {
    spy.mockRestore();
  }
  return lines
    .flatMap((l) => l.split('\n'))
    .filter((l) => l.includes('CloudWatchMetrics'))
    .map((l) => JSON.parse(l) as Emf);
}

describe('business metrics', () => {
  afterEach(() => {
    vi.unstubAllEnvs();
  });

  it('writes nothing outside a Lambda runtime (local cloud, tests)', () => {
    vi.stubEnv('AWS_EXECUTION_ENV', '');
    expect(emfLines(() => countEvent('DossiersSubmitted'))).toEqual([]);
  });

  it('emits one EMF line per count in Lambda, stage-wide and per channel', () => {
    vi.stubEnv('AWS_EXECUTION_ENV', 'AWS_Lambda_nodejs24.x');
    vi.stubEnv('STAGE', 'prod');
    vi.stubEnv('POWERTOOLS_DEV', '');
    const lines = emfLines(() => countEvent('DeliveriesFailed', { Channel: 'hcm-1cua' }));
    expect(lines).toHaveLength(2);
    const [total, perChannel] = lines as [Emf, Emf];
    expect(total._aws.CloudWatchMetrics[0]?.Namespace).toBe(METRICS_NAMESPACE);
    expect(total._aws.CloudWatchMetrics[0]?.Metrics.map((m) => m.Name)).toEqual(['DeliveriesFailed']);
    expect(total._aws.CloudWatchMetrics[0]?.Dimensions[0]?.sort()).toEqual(['Stage', 'service']);
    expect(total).toMatchObject({ service: 'cong', Stage: 'prod', DeliveriesFailed: 1 });
    expect(perChannel._aws.CloudWatchMetrics[0]?.Dimensions[0]?.sort()).toEqual([
      'Channel',
      'Stage',
      'service',
    ]);
    expect(perChannel).toMatchObject({ Stage: 'prod', Channel: 'hcm-1cua', DeliveriesFailed: 1 });
  });

  it('hands counts to a watcher and never counts nothing', () => {
    const seen: [BusinessMetric, number][] = [];
    const stop = onBusinessMetric((name, count) => seen.push([name, count]));
    countEvent('DossiersSubmitted', {}, 3);
    countEvent('Overdue', {}, 0);
    stop();
    countEvent('Overdue');
    expect(seen).toEqual([['DossiersSubmitted', 3]]);
  });
});
