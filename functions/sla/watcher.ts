/**
 * The SLA watcher: every quarter hour (EventBridge; a timer in the local cloud) it notifies agencies of
 * dossiers whose acknowledgement or due date lapsed, and flags personal-data requests past theirs. It
 * works through the deadline shards side by side until they are done or its time is nearly spent.
 * `{ now }` runs it as of another instant.
 */

import type { Context } from 'aws-lambda';
import { lambdaBudget } from '../core/drain.js';
import { correlate } from '../core/logger.js';
import { queries } from '../core/queries.js';
import { SLA } from '../core/resources.js';
import { parseDataRequest } from '../pii/data-requests.js';
import { type DataRequestWatchReport, watchDataRequests } from './data-requests.js';
import { type SlaReport, watchSla } from './sla.js';
import { slaWatchStore } from './store.js';

let ports: ReturnType<typeof slaWatchStore> | undefined;

export const handler = async (
  event: { now?: string } = {},
  context?: Context,
): Promise<SlaReport & { dataRequests: DataRequestWatchReport }> => {
  correlate(undefined, context);
  ports ??= slaWatchStore();
  const now =
    typeof event.now === 'string' && !Number.isNaN(Date.parse(event.now)) ? new Date(event.now) : new Date();
  const dossiers = await watchSla(
    ports,
    now,
    lambdaBudget(SLA.watchConcurrency, SLA.watchReserveMs, context),
  );
  const dataRequests = await watchDataRequests(
    {
      flag: ports.flag,
      listLapsedRequests: (before) => queries.dataRequestsLapsed(before, parseDataRequest),
    },
    now,
  );
  return { ...dossiers, dataRequests };
};
