/** Delivery ports over DynamoDB and fetch. */
import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import type { LookupFunction } from 'node:net';
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { type DynamoDBDocumentClient, GetCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { ulid } from 'ulidx';
import type { NotificationMessage } from '../../schemas/notification.js';
import { getItems, putItems } from '../core/batch.js';
import { dynamo } from '../core/clients.js';
import { config } from '../core/config.js';
import { loadDossier } from '../core/dossier-store.js';
import { parseDossier } from '../core/items.js';
import { keys, ttlAfterDays } from '../core/keys.js';
import { logger } from '../core/logger.js';
import { DISPATCH } from '../core/resources.js';
import { type VettedAddress, vetEndpoint } from '../core/ssrf.js';
import { enqueueNotifications } from '../notices/queue.js';
import { paymentReads, paymentTable } from '../payments/store-common.js';
import { loadProfileKeys } from '../pii/profile-keys.js';
import type { BreakerPorts, BreakerSettings, BreakerState } from './breaker.js';
import type { DeliveryAttempt, DeliveryPorts } from './deliver.js';
import { agencyEndpoint, agencyOpsEmail } from './endpoint.js';
import { retryDelaySeconds } from './retry.js';

const ATTEMPT_RETENTION_DAYS = 90;

/** The agency's endpoint accepted the connection but gave no answer in time. */
export class DeliveryTimeoutError extends Error {
  override name = 'DeliveryTimeoutError';
}

export interface AgencyDeliveryState extends BreakerState {
  agencyId: string;
  reason?: string;
  resumedAt?: string;
}

const isConditionFailure = (err: unknown) => err instanceof ConditionalCheckFailedException;

/**
 * The per-agency delivery switch. Pausing is conditional so the first 410 keeps its time and reason
 * (and alone raises the alarm); resuming is conditional so an operator learns whether it was paused.
 */
export function agencyDeliveryStates(db: DynamoDBDocumentClient, TableName: string) {
  return {
    async get(agencyId: string): Promise<AgencyDeliveryState | undefined> {
      const out = await db.send(new GetCommand({ TableName, Key: keys.agencyDeliveryState(agencyId) }));
      return out.Item as AgencyDeliveryState | undefined;
    },

    async pause(agencyId: string, since: string, reason: string): Promise<boolean> {
      try {
        await db.send(
          new PutCommand({
            TableName,
            Item: {
              ...keys.agencyDeliveryState(agencyId),
              kind: 'agency-delivery-state',
              agencyId,
              paused: true,
              cause: 'gone',
              since,
              reason,
            },
            // A 410 also turns a breaker pause into one only an operator lifts: the endpoint is gone.
            ConditionExpression: 'attribute_not_exists(pk) OR paused = :false OR cause = :breaker',
            ExpressionAttributeValues: { ':false': false, ':breaker': 'breaker' },
          }),
        );
        return true;
      } catch (err) {
        if (err instanceof ConditionalCheckFailedException) return false;
        throw err;
      }
    },

    async resume(agencyId: string, at: string): Promise<boolean> {
      try {
        await db.send(
          new UpdateCommand({
            TableName,
            Key: keys.agencyDeliveryState(agencyId),
            // The operator's resume also closes the breaker: counting starts again from zero.
            UpdateExpression:
              'SET paused = :false, resumedAt = :at, failures = :zero REMOVE cause, failingSince, probeAt, probeLease',
            ConditionExpression: 'paused = :true',
            ExpressionAttributeValues: { ':false': false, ':true': true, ':at': at, ':zero': 0 },
          }),
        );
        return true;
      } catch (err) {
        if (err instanceof ConditionalCheckFailedException) return false;
        throw err;
      }
    },
  };
}

/** The circuit breaker's state changes, each conditional on the item it reads (functions/dispatch/breaker.ts). */
export function breakerStore(
  db: DynamoDBDocumentClient,
  TableName: string,
  settings: BreakerSettings,
): BreakerPorts {
  const states = agencyDeliveryStates(db, TableName);
  const Key = keys.agencyDeliveryState;
  const conditional = async (command: UpdateCommand) => {
    try {
      await db.send(command);
      return true;
    } catch (err) {
      if (isConditionFailure(err)) return false;
      throw err;
    }
  };
  return {
    settings,
    state: (agencyId) => states.get(agencyId),

    takeProbe: (agencyId, now, leaseUntil) =>
      conditional(
        new UpdateCommand({
          TableName,
          Key: Key(agencyId),
          UpdateExpression: 'SET probeLease = :until',
          ConditionExpression:
            'paused = :true AND cause = :breaker AND (attribute_not_exists(probeAt) OR probeAt <= :now) ' +
            'AND (attribute_not_exists(probeLease) OR probeLease < :now)',
          ExpressionAttributeValues: {
            ':true': true,
            ':breaker': 'breaker',
            ':now': now,
            ':until': leaseUntil,
          },
        }),
      ),

    async countFailure(agencyId, now, nextProbeAt) {
      const out = await db.send(
        new UpdateCommand({
          TableName,
          Key: Key(agencyId),
          UpdateExpression:
            'SET kind = :kind, agencyId = :agency, failingSince = if_not_exists(failingSince, :now), ' +
            'lastFailureAt = :now, paused = if_not_exists(paused, :false)' +
            (nextProbeAt ? ', probeAt = :probe REMOVE probeLease' : '') +
            ' ADD failures :one',
          ExpressionAttributeValues: {
            ':kind': 'agency-delivery-state',
            ':agency': agencyId,
            ':now': now,
            ':false': false,
            ':one': 1,
            ...(nextProbeAt ? { ':probe': nextProbeAt } : {}),
          },
          ReturnValues: 'ALL_NEW',
        }),
      );
      return out.Attributes as BreakerState;
    },

    open: (agencyId, now, reason, probeAt) =>
      conditional(
        new UpdateCommand({
          TableName,
          Key: Key(agencyId),
          UpdateExpression:
            'SET paused = :true, cause = :breaker, since = :now, reason = :reason, probeAt = :probe REMOVE probeLease',
          ConditionExpression: 'attribute_not_exists(paused) OR paused = :false',
          ExpressionAttributeValues: {
            ':true': true,
            ':false': false,
            ':breaker': 'breaker',
            ':now': now,
            ':reason': reason,
            ':probe': probeAt,
          },
        }),
      ),

    async close(agencyId, now) {
      try {
        const out = await db.send(
          new UpdateCommand({
            TableName,
            Key: Key(agencyId),
            UpdateExpression:
              'SET paused = :false, failures = :zero REMOVE failingSince, probeAt, probeLease, cause',
            // A 410 pause stays until an operator resumes it.
            ConditionExpression: 'attribute_exists(pk) AND (paused = :false OR cause = :breaker)',
            ExpressionAttributeValues: { ':false': false, ':zero': 0, ':breaker': 'breaker' },
            ReturnValues: 'ALL_OLD',
          }),
        );
        const was = out.Attributes as BreakerState | undefined;
        if (was?.paused) {
          logger.info('agency deliveries resumed: a probe delivery succeeded', {
            agencyId,
            pausedSince: was.since,
          });
          await db.send(
            new UpdateCommand({
              TableName,
              Key: Key(agencyId),
              UpdateExpression: 'SET resumedAt = :now',
              ExpressionAttributeValues: { ':now': now },
            }),
          );
          return true;
        }
        return false;
      } catch (err) {
        if (isConditionFailure(err)) return false;
        throw err;
      }
    },
  };
}

/**
 * One POST, connected to the vetted address when there is one (the TLS name stays the endpoint's
 * host). Redirects are not followed: one could lead the signed payload to an unchecked address.
 */
export function postTo(
  url: URL,
  headers: Record<string, string>,
  body: string,
  pinned: VettedAddress | undefined,
  timeoutMs = 10_000,
) {
  const lookup: LookupFunction | undefined = pinned
    ? (_host, options, callback) => {
        if (options.all) callback(null, [pinned]);
        else callback(null, pinned.address, pinned.family);
      }
    : undefined;
  const send = url.protocol === 'https:' ? httpsRequest : httpRequest;
  return new Promise<{ status: number; retryAfter: string | null }>((resolve, reject) => {
    const req = send(
      url,
      {
        method: 'POST',
        headers: { ...headers, 'content-length': String(Buffer.byteLength(body)) },
        timeout: timeoutMs,
        ...(lookup ? { lookup } : {}),
      },
      (res) => {
        res.resume();
        const retryAfter = res.headers['retry-after'];
        resolve({
          status: res.statusCode ?? 0,
          retryAfter: typeof retryAfter === 'string' ? retryAfter : null,
        });
      },
    );
    req.on('timeout', () =>
      req.destroy(new DeliveryTimeoutError(`agency endpoint gave no answer within ${timeoutMs} ms`)),
    );
    req.on('error', reject);
    req.end(body);
  });
}

type Key = { pk: string; sk: string };

/**
 * What a delivery leaves in its object's partition (a dossier's or a petition's): the marker of a webhook
 * already accepted, so a redelivered queue message is skipped, and a record of every attempt.
 */
export function deliveryRecords(
  db: DynamoDBDocumentClient,
  TableName: string,
  key: {
    delivered: (code: string, webhookId: string) => Key;
    attempt: (code: string, id: string) => Key;
    /** Also lists each attempt in its agency's delivery log. */
    agencyLog?: boolean;
    /** The attribute naming the object in an attempt record (the log shows it): a dossier's by default. */
    codeField?: 'dossierCode' | 'petitionCode' | 'ticketCode';
  },
): Pick<DeliveryPorts, 'isDelivered' | 'markDelivered' | 'recordAttempt' | 'recordDelivered'> {
  const markerItem = (code: string, webhookId: string, at: string) => ({
    ...key.delivered(code, webhookId),
    kind: 'delivered',
    webhookId,
    at,
  });
  const attemptItem = (code: string, attempt: DeliveryAttempt) => {
    const id = ulid();
    return {
      ...key.attempt(code, id),
      ...(key.agencyLog && attempt.agencyId
        ? keys.agencyDeliveryIndex(attempt.agencyId, code, attempt.at, id)
        : {}),
      kind: 'delivery-attempt',
      ...attempt,
      [key.codeField ?? 'dossierCode']: code,
      ttl: ttlAfterDays(ATTEMPT_RETENTION_DAYS),
    };
  };
  return {
    async isDelivered(code, webhookId) {
      const out = await db.send(
        new GetCommand({ TableName, Key: key.delivered(code, webhookId), ConsistentRead: true }),
      );
      return Boolean(out.Item);
    },

    async markDelivered(code, webhookId, at) {
      try {
        await db.send(
          new PutCommand({
            TableName,
            Item: markerItem(code, webhookId, at),
            ConditionExpression: 'attribute_not_exists(pk)',
          }),
        );
      } catch (err) {
        if (!(err instanceof ConditionalCheckFailedException)) throw err;
      }
    },

    async recordAttempt(code, attempt) {
      await db.send(new PutCommand({ TableName, Item: attemptItem(code, attempt) }));
    },

    async recordDelivered(code, webhookId, at, attempt) {
      // One write for both. The marker is put unconditionally here: a concurrent duplicate delivery
      // only moves its time, and what it marks — delivered — is the same.
      await putItems([markerItem(code, webhookId, at), attemptItem(code, attempt)], db, TableName);
    },
  };
}

export function deliveryStore(
  secretsFor: (agencyId: string) => Promise<string[]>,
  /** The portal's public address (core/portal-url.ts): files are linked under it. */
  portalUrl?: string,
): DeliveryPorts {
  const cfg = config();
  const TableName = cfg.TABLE_NAME;
  const db = dynamo();
  const states = agencyDeliveryStates(db, TableName);
  return {
    now: () => new Date(),
    loadDossier,
    secretsFor,
    profileKeys: loadProfileKeys,
    ...(portalUrl ? { portalUrl } : {}),
    endpointFor: (agencyId) => agencyEndpoint(cfg, agencyId),

    async loadPayment(paymentId) {
      const reads = paymentReads(paymentTable());
      const [payment, receipt] = await Promise.all([
        reads.loadPayment(paymentId),
        reads.loadReceipt(paymentId),
      ]);
      return payment ? { payment, ...(receipt ? { receipt } : {}) } : undefined;
    },

    ...deliveryRecords(db, TableName, {
      delivered: keys.delivered,
      attempt: keys.deliveryAttempt,
      agencyLog: true,
    }),

    async readForDelivery(code, marker, agencyId) {
      const [delivered, state, dossier] = await getItems(
        [keys.delivered(code, marker), keys.agencyDeliveryState(agencyId), keys.dossier(code)],
        db,
        TableName,
      );
      return {
        delivered: Boolean(delivered),
        state: state as AgencyDeliveryState | undefined,
        dossier: dossier ? parseDossier(dossier) : undefined,
      };
    },

    isPaused: async (agencyId) => (await states.get(agencyId))?.paused === true,
    pauseAgency: (agencyId, since, reason) => states.pause(agencyId, since, reason),
    breaker: breakerStore(db, TableName, breakerSettings(cfg)),
    async announce(agencyId, change, code, at) {
      try {
        await enqueueNotifications(breakerNotices(agencyId, change, code, at, agencyOpsEmail(cfg, agencyId)));
      } catch (err) {
        // The alarm and the delivery log still say it; a lost notice must not fail the delivery.
        logger.warn('agency delivery notice not queued', { agencyId, change, error: (err as Error).message });
      }
    },
    retryDelaySeconds: (kind, attempt, retryAfter) =>
      // The queue's last receive: the next stop is the DLQ, not another try.
      attempt >= DISPATCH.maxReceiveCount
        ? undefined
        : retryDelaySeconds(kind, attempt, retryAfter, cfg.DISPATCH_BACKOFF_SCALE),

    async post(url, headers, body) {
      const target = new URL(url);
      const pinned = await vetEndpoint(target, cfg.ALLOW_PRIVATE_ENDPOINTS);
      return postTo(target, headers, body, pinned, cfg.DISPATCH_POST_TIMEOUT_MS);
    },
  };
}

export const breakerSettings = (cfg: {
  DISPATCH_BREAKER_FAILURES: number;
  DISPATCH_BREAKER_MINUTES: number;
  DISPATCH_BREAKER_COOLDOWN_SECONDS: number;
}): BreakerSettings => ({
  failures: cfg.DISPATCH_BREAKER_FAILURES,
  failingMinutes: cfg.DISPATCH_BREAKER_MINUTES,
  cooldownSeconds: cfg.DISPATCH_BREAKER_COOLDOWN_SECONDS,
});

/**
 * What the agency is told when the breaker pauses or resumes its deliveries (Vietnamese first): a notice
 * on its channel (a log record operators see), and an e-mail to the operations team behind its endpoint
 * when the stage names one (AGENCY_OPS_EMAILS). Both go through the notifications queue, which retries.
 */
export function breakerNotices(
  agencyId: string,
  change: 'opened' | 'resumed',
  code: string,
  at: string,
  opsEmail?: string,
): NotificationMessage[] {
  const opened = change === 'opened';
  const notice: NotificationMessage = {
    id: `delivery:${agencyId}:${change}:${at}`,
    audience: 'agency',
    channel: 'agency',
    to: agencyId,
    dossierCode: code,
    topic: opened ? 'delivery.paused' : 'delivery.resumed',
    subject: opened
      ? 'Cổng DVC tạm dừng gửi hồ sơ tới hệ thống của cơ quan / Deliveries paused'
      : 'Cổng DVC gửi hồ sơ trở lại / Deliveries resumed',
    text: opened
      ? 'Địa chỉ tiếp nhận của cơ quan liên tục không trả lời được, nên Cổng DVC tạm dừng gửi. Hồ sơ được giữ trong ' +
        'hàng đợi, không mất; Cổng thử lại định kỳ và tự gửi tiếp khi địa chỉ hoạt động trở lại. Xem ' +
        'GET /v1/agency/deliveries. / Your endpoint kept failing, so deliveries are paused; they wait in the queue ' +
        'and resume by themselves once a probe delivery succeeds.'
      : 'Địa chỉ tiếp nhận của cơ quan đã hoạt động trở lại; Cổng DVC tiếp tục gửi các hồ sơ đang chờ. / Your ' +
        'endpoint answers again; the waiting deliveries follow.',
    createdAt: at,
  };
  if (!opsEmail) return [notice];
  return [
    notice,
    {
      ...notice,
      // Its own id: the notifier sends each id once, and the channel notice has the other.
      id: `${notice.id}:email`,
      channel: 'email',
      to: opsEmail,
      subject: `[${agencyId}] ${notice.subject}`,
      text:
        `Cơ quan / Agency: ${agencyId}\nThời điểm / At: ${at}\nHồ sơ đang gửi / Delivering: ${code}\n\n` +
        notice.text,
    },
  ];
}
