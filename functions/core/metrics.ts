/**
 * The portal's business metrics: one count per event, where the event happens, as CloudWatch embedded
 * metric format (EMF) log lines through Powertools Metrics, namespace `Cong`, dimensions `service` and
 * `Stage` (and `Channel` where an agency system matters). The
 * alarms and the dashboard (lib/monitoring.ts) read exactly these names.
 *
 * Only inside a real Lambda runtime: the local cloud and the tests run the same domain code, and their
 * logs stay free of EMF lines. A test can watch what would be sent with `onBusinessMetric`.
 */

import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import { setting } from './config.js';

export const METRICS_NAMESPACE = 'Cong';
/** Powertools' `service` dimension of every business metric. */
export const METRICS_SERVICE = 'cong';

export const BUSINESS_METRICS = [
  /** A citizen's dossier reached the portal (first submission, not supplements). */
  'DossiersSubmitted',
  /** An agency's endpoint accepted a dossier delivery. */
  'DossiersDelivered',
  /** A delivery attempt failed (dimension `Channel`: the agency's integration channel). */
  'DeliveriesFailed',
  /** The acknowledgement deadline of a dossier lapsed (the SLA watcher told the agency). */
  'AcknowledgedLate',
  /** A dossier's due date lapsed. */
  'Overdue',
  /** Deadline shards an SLA watcher run left unread when its time ran out (it is behind). */
  'SlaWatchUnfinished',
  /** A payment was credited (or closed failed/expired, which is not counted here). */
  'PaymentsSucceeded',
  /** A payment needs an operator: money owed back, or an amount that does not match. */
  'PaymentsFlagged',
  /** A petition an agency left unanswered moved to the parent agency. */
  'PetitionsEscalated',
] as const;
export type BusinessMetric = (typeof BUSINESS_METRICS)[number];

export interface MetricDimensions {
  /** The agency integration channel, for metrics an operator follows per agency system. */
  Channel?: string;
}

type Sink = (name: BusinessMetric, count: number, dimensions: MetricDimensions) => void;

const inLambda = () => (setting('AWS_EXECUTION_ENV') ?? '').startsWith('AWS_Lambda_');

let metrics: Metrics | undefined;

/** The dimensions every business metric carries; alarms and the dashboard address metrics by them. */
export const metricDimensions = (stage: string) => ({ service: METRICS_SERVICE, Stage: stage });

/** Emits at once (add, then flush synchronously): no handler has to remember to flush. */
function emf(name: BusinessMetric, count: number, dimensions: MetricDimensions): void {
  if (!metrics) {
    metrics = new Metrics({ namespace: METRICS_NAMESPACE, serviceName: METRICS_SERVICE });
    metrics.setDefaultDimensions({ Stage: setting('STAGE') });
  }
  // The stage-wide count (alarms, dashboard) and, when given, the per-channel one.
  metrics.addMetric(name, MetricUnit.Count, count);
  metrics.publishStoredMetrics();
  if (dimensions.Channel) {
    metrics.addDimension('Channel', dimensions.Channel);
    metrics.addMetric(name, MetricUnit.Count, count);
    metrics.publishStoredMetrics();
  }
}

let sink: Sink | undefined;

/** Counts one business event (or `count` of them). Never throws: a metric never fails the work. */
export function countEvent(name: BusinessMetric, dimensions: MetricDimensions = {}, count = 1): void {
  if (count <= 0) return;
  try {
    sink?.(name, count, dimensions);
    if (inLambda()) emf(name, count, dimensions);
  } catch {
    // Metrics are best effort; the event itself already happened.
  }
}

/** Tests: observe the counts the domain code emits; returns a function that stops observing. */
export function onBusinessMetric(watch: Sink): () => void {
  sink = watch;
  return () => {
    if (sink === watch) sink = undefined;
  };
}
