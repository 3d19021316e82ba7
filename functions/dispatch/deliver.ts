/**
 * Delivering one dossier to its agency: a Standard Webhooks signed POST. Success is recorded so a
 * redelivered queue message is not sent twice; every attempt is recorded for operators. Failures say
 * when to try again (the agency's Retry-After, or capped full-jitter backoff) and the queue retries,
 * up to its DLQ.
 */
import type { DossierDelivery } from '../../schemas/agency.js';
import type { DossierRecord } from '../core/dossier.js';
import { signWebhook } from '../core/webhooks.js';
import type { DispatchMessage } from '../intake/submit.js';

export interface DeliveryAttempt {
  webhookId: string;
  attempt: number;
  at: string;
  status: number | null;
  outcome: 'delivered' | 'failed' | 'refused';
  ms: number;
  error?: string;
}

export interface DeliveryPorts {
  now(): Date;
  loadDossier(code: string): Promise<DossierRecord | undefined>;
  isDelivered(code: string, webhookId: string): Promise<boolean>;
  markDelivered(code: string, webhookId: string, at: string): Promise<void>;
  recordAttempt(code: string, attempt: DeliveryAttempt): Promise<void>;
  endpointFor(agencyId: string): string | undefined;
  secretsFor(agencyId: string): Promise<string[]>;
  /** POST with a timeout; throws for network failures and refused (unsafe) endpoints. */
  post(
    url: string,
    headers: Record<string, string>,
    body: string,
  ): Promise<{ status: number; retryAfter?: string | null }>;
}

export class DeliveryFailed extends Error {
  override name = 'DeliveryFailed';
  constructor(
    message: string,
    readonly retryAfter?: string | null,
  ) {
    super(message);
  }
}

export function deliveryPayload(d: DossierRecord): DossierDelivery {
  return {
    type: 'dossier.submitted',
    dossierCode: d.code,
    submissionId: d.submissionId,
    procedureCode: d.procedureCode,
    agencyId: d.agencyId,
    submittedAt: d.submittedAt,
    dueAt: d.dueAt,
    form: d.form,
    attachments: d.attachments.map(({ documentType, fileName, contentType, size }) => ({
      documentType,
      fileName,
      contentType,
      size,
    })),
  };
}

export async function deliver(
  ports: DeliveryPorts,
  message: DispatchMessage,
  attempt: number,
): Promise<'delivered' | 'already-delivered' | 'dossier-gone'> {
  if (await ports.isDelivered(message.dossierCode, message.webhookId)) return 'already-delivered';
  const dossier = await ports.loadDossier(message.dossierCode);
  if (!dossier) return 'dossier-gone';

  const endpoint = ports.endpointFor(dossier.agencyId);
  const secrets = await ports.secretsFor(dossier.agencyId);
  if (!endpoint || !secrets[0])
    throw new DeliveryFailed(`agency ${dossier.agencyId} has no endpoint or secret`);

  const body = JSON.stringify(deliveryPayload(dossier));
  const headers = {
    'content-type': 'application/json',
    ...signWebhook(secrets[0], message.webhookId, body, ports.now()),
  };
  const started = Date.now();
  const record = (status: number | null, outcome: DeliveryAttempt['outcome'], error?: string) =>
    ports.recordAttempt(dossier.code, {
      webhookId: message.webhookId,
      attempt,
      at: ports.now().toISOString(),
      status,
      outcome,
      ms: Date.now() - started,
      ...(error ? { error } : {}),
    });

  let response: { status: number; retryAfter?: string | null };
  try {
    response = await ports.post(endpoint, headers, body);
  } catch (err) {
    const reason = (err as Error).name === 'UnsafeEndpointError' ? 'refused' : 'failed';
    await record(null, reason, (err as Error).message.slice(0, 200));
    throw new DeliveryFailed(`delivery to ${dossier.agencyId} failed: ${(err as Error).message}`);
  }
  if (response.status >= 200 && response.status < 300) {
    await ports.markDelivered(dossier.code, message.webhookId, ports.now().toISOString());
    await record(response.status, 'delivered');
    return 'delivered';
  }
  await record(response.status, 'failed');
  throw new DeliveryFailed(`agency ${dossier.agencyId} answered ${response.status}`, response.retryAfter);
}
