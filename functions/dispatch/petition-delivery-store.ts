/** Petition delivery ports: the dispatcher's, with markers and attempts kept in the petition's partition. */
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { dynamo } from '../core/clients.js';
import { config } from '../core/config.js';
import { keys } from '../core/keys.js';
import type { PetitionRecord } from '../petitions/model.js';
import type { DeliveryPorts } from './deliver.js';
import type { PetitionDeliveryPorts } from './petition-deliver.js';
import { deliveryRecords } from './store.js';

/** Where a petition delivery's markers and attempts go; each attempt is in its agency's delivery log too. */
export const PETITION_DELIVERY_RECORDS = {
  delivered: keys.petitionDelivered,
  attempt: keys.petitionDeliveryAttempt,
  agencyLog: true,
  codeField: 'petitionCode',
} as const;

export function petitionDeliveryStore(base: DeliveryPorts): PetitionDeliveryPorts {
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

    async loadPetition(code) {
      const out = await db.send(
        new GetCommand({ TableName, Key: keys.petition(code), ConsistentRead: true }),
      );
      return out.Item as PetitionRecord | undefined;
    },

    ...deliveryRecords(db, TableName, PETITION_DELIVERY_RECORDS),
  };
}
