/**
 * The SLA watcher: every quarter hour (EventBridge; a timer in the local cloud) it notifies agencies of
 * dossiers whose acknowledgement or due date lapsed, and flags personal-data requests past theirs. The
 * schedule starts `SLA.watchParts` runs at once, `{ part }` each, every one working through its share of
 * the deadline shards side by side until they are done or its time is nearly spent; part 0 also watches
 * the personal-data requests. Without `part` a run watches everything (operators, the local cloud on
 * demand). `{ now }` runs it as of another instant.
 */

import type { Context } from 'aws-lambda';
import { lambdaBudget } from '../core/drain.js';
import { correlate } from '../core/logger.js';
import { queries } from '../core/queries.js';
import { SLA } from '../core/resources.js';
import { parseDataRequest } from '../pii/data-requests.js';
import { type DataRequestWatchReport, watchDataRequests } from './data-requests.js';
import { type SlaReport, type SlaWatchPart, watchSla } from './sla.js';
import { slaWatchStore } from './store.js';

let ports: ReturnType<typeof slaWatchStore> | undefined;

/** The share of the shards an event asks for; a part the schedule cannot send is a deployment fault. */
function partOf(event: { part?: unknown }): SlaWatchPart | undefined {
  const index = event.part;
  if (index === undefined) return undefined;
  if (typeof index !== 'number' || !Number.isInteger(index) || index < 0 || index >= SLA.watchParts)
    throw new Error(`SLA watch part must be an integer from 0 to ${SLA.watchParts - 1}`);
  return { index, of: SLA.watchParts };
}

export const handler = async (
  event: { now?: string; part?: number } = {},
  context?: Context,
): Promise<SlaReport & { dataRequests?: DataRequestWatchReport }> => {
  correlate(undefined, context);
  ports ??= slaWatchStore();
  const now =
    typeof event.now === 'string' && !Number.isNaN(Date.parse(event.now)) ? new Date(event.now) : new Date();
  const part = partOf(event);
  const dossiers = await watchSla(
    ports,
    now,
    lambdaBudget(SLA.watchConcurrency, SLA.watchReserveMs, context),
    part,
  );
  if (part && part.index !== 0) return dossiers;
  const dataRequests = await watchDataRequests(
    {
      flag: ports.flag,
      listLapsedRequests: (before) => queries.dataRequestsLapsed(before, parseDataRequest),
    },
    now,
  );
  return { ...dossiers, dataRequests };
};
