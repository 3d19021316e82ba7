/**
 * Support delivery ports: the dispatcher's, with markers and attempts kept in the ticket's partition and
 * each attempt listed in its agency's delivery log too.
 */
import { dynamo } from '../core/clients.js';
import { config } from '../core/config.js';
import { keys } from '../core/keys.js';
import { loadTicket } from '../support/read.js';
import type { DeliveryPorts } from './deliver.js';
import { deliveryRecords } from './store.js';
import type { SupportDeliveryPorts } from './support-deliver.js';

/** Where a support delivery's markers and attempts go; each attempt is in its agency's delivery log too. */
export const SUPPORT_DELIVERY_RECORDS = {
  delivered: keys.supportDelivered,
  attempt: keys.supportDeliveryAttempt,
  agencyLog: true,
  codeField: 'ticketCode',
} as const;

export function supportDeliveryStore(base: DeliveryPorts): SupportDeliveryPorts {
  const TableName = config().TABLE_NAME;
  const db = dynamo();
  return {
    now: base.now,
    isPaused: base.isPaused,
    pauseAgency: base.pauseAgency,
    ...(base.breaker ? { breaker: base.breaker } : {}),
    ...(base.retryDelaySeconds ? { retryDelaySeconds: base.retryDelaySeconds } : {}),
    endpointFor: base.endpointFor,
    secretsFor: base.secretsFor,
    post: base.post,
    loadTicket,
    ...deliveryRecords(db, TableName, SUPPORT_DELIVERY_RECORDS),
  };
}
