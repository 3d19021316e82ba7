/**
 * Delivering one dossier to its agency: a Standard Webhooks signed POST. Success is recorded so a
 * redelivered queue message is not sent twice; every attempt is recorded for operators. Failures say
 * when to try again (the agency's Retry-After, or capped full-jitter backoff) and the queue retries,
 * up to its DLQ. An endpoint answering 410 Gone pauses the agency's deliveries until an operator resumes
 * them (npm run redrive -- --resume): nothing is sent to an address the agency has given up.
 */
import type { DossierDelivery, SupplementDelivery, WithdrawalDelivery } from '../../schemas/agency.js';
import { attachmentHref, attachmentIdOf, PREVIOUS_RESULT } from '../agencies/files.js';
import type { DossierRecord, StoredAttachment } from '../core/dossier.js';
import { AGENCY_HEADER, signWebhook } from '../core/webhooks.js';
import { withOpenForm } from '../intake/sealed-form.js';
import type { DispatchMessage } from '../intake/submit.js';
import type { ProfileKeys } from '../me/protect.js';

export interface DeliveryAttempt {
  webhookId: string;
  attempt: number;
  at: string;
  status: number | null;
  outcome: 'delivered' | 'failed' | 'refused' | 'timeout' | 'gone';
  ms: number;
  error?: string;
}

export interface DeliveryPorts {
  now(): Date;
  loadDossier(code: string): Promise<DossierRecord | undefined>;
  isDelivered(code: string, webhookId: string): Promise<boolean>;
  markDelivered(code: string, webhookId: string, at: string): Promise<void>;
  /** Whether an operator has yet to resume the agency's deliveries after its endpoint went away. */
  isPaused(agencyId: string): Promise<boolean>;
  /** Pauses the agency's deliveries; true only for the call that paused it (the first 410 raises the alarm). */
  pauseAgency(agencyId: string, since: string, reason: string): Promise<boolean>;
  recordAttempt(code: string, attempt: DeliveryAttempt): Promise<void>;
  endpointFor(agencyId: string): string | undefined;
  secretsFor(agencyId: string): Promise<string[]>;
  /**
   * The profile key, to open the citizen ID and phone numbers sealed in the form: the agency receives
   * them in clear inside the signed payload. Required for dossiers with sealed fields.
   */
  profileKeys?(): Promise<ProfileKeys>;
  /** The portal's public address (PORTAL_URL): files are linked absolutely under it, else relatively. */
  portalUrl?: string;
  /** POST with a timeout; throws for network failures and refused (unsafe) endpoints. */
  post(
    url: string,
    headers: Record<string, string>,
    body: string,
  ): Promise<{ status: number; retryAfter?: string | null }>;
}

/**
 * `failed`: retry with backoff. `gone`: the endpoint answered 410 and the agency is now paused.
 * `paused`: not sent because the agency is paused; the message waits at the longest backoff.
 */
export type FailureKind = 'failed' | 'gone' | 'paused';

export class DeliveryFailed extends Error {
  override name = 'DeliveryFailed';
  constructor(
    message: string,
    readonly retryAfter?: string | null,
    readonly kind: FailureKind = 'failed',
    /** For `gone`: this delivery is the one that paused the agency. */
    readonly paused = false,
  ) {
    super(message);
  }
}

/**
 * Each scan as an agency receives it: what it is, its SHA-256 (hex) and where to fetch it; `portalUrl`
 * makes the link absolute.
 */
const describe =
  (code: string, portalUrl: string | undefined) =>
  ({ uploadId, documentType, fileName, contentType, size, sha256 }: StoredAttachment) => ({
    attachmentId: attachmentIdOf(code, uploadId),
    documentType,
    fileName,
    contentType,
    size,
    ...(sha256 ? { sha256 } : {}),
    href: attachmentHref(code, attachmentIdOf(code, uploadId), portalUrl),
  });

/** The previous agency's result in a bundle; an electronic one is fetched like a scan of this dossier. */
function previousResultOf(d: DossierRecord, portalUrl: string | undefined) {
  const previous = d.previousResult!;
  if (previous.kind !== 'electronic') return previous;
  const attachmentId = attachmentIdOf(d.code, PREVIOUS_RESULT);
  return { ...previous, attachmentId, href: attachmentHref(d.code, attachmentId, portalUrl) };
}

export function deliveryPayload(d: DossierRecord, portalUrl?: string): DossierDelivery {
  return {
    type: 'dossier.submitted',
    dossierCode: d.code,
    submissionId: d.submissionId,
    procedureCode: d.procedureCode,
    agencyId: d.agencyId,
    submittedAt: d.submittedAt,
    dueAt: d.dueAt,
    form: d.form,
    attachments: d.attachments.map(describe(d.code, portalUrl)),
    ...(d.bundle
      ? { bundle: { procedureCode: d.bundle.procedureCode, step: d.bundle.step, steps: d.bundle.steps } }
      : {}),
    ...(d.previousResult ? { previousResult: previousResultOf(d, portalUrl) } : {}),
    ...(d.enterpriseTaxCode ? { enterpriseTaxCode: d.enterpriseTaxCode } : {}),
    ...(d.filedBy ? { filedAtDesk: { agencyId: d.filedBy.agencyId } } : {}),
  };
}

/** The citizen's answer to a request to supplement: the documents it added (timeline event `seq`). */
export function supplementPayload(
  d: DossierRecord,
  seq: number | undefined,
  portalUrl?: string,
): SupplementDelivery {
  const added = d.attachments.filter((a) => a.supplement && a.supplement.seq === seq);
  return {
    type: 'dossier.supplemented',
    dossierCode: d.code,
    submissionId: d.submissionId,
    procedureCode: d.procedureCode,
    agencyId: d.agencyId,
    supplementedAt: added[0]?.supplement?.at ?? d.updatedAt,
    dueAt: d.dueAt,
    attachments: added.map(describe(d.code, portalUrl)),
  };
}

/** The citizen withdrew the dossier: the agency stops working on it. */
export function withdrawalPayload(d: DossierRecord): WithdrawalDelivery {
  return {
    type: 'dossier.withdrawn',
    dossierCode: d.code,
    submissionId: d.submissionId,
    agencyId: d.agencyId,
    withdrawnAt: d.updatedAt,
  };
}

const noKey = (ports: DeliveryPorts) =>
  ports.profileKeys ?? (() => Promise.reject(new Error('the dispatcher has no profile key')));

/** The webhook machinery, keyed by the delivered object's code (a dossier's or a petition's). */
export type WebhookPorts = Omit<DeliveryPorts, 'loadDossier'>;

export async function deliver(
  ports: DeliveryPorts,
  message: DispatchMessage,
  attempt: number,
): Promise<'delivered' | 'already-delivered' | 'dossier-gone'> {
  if (await ports.isDelivered(message.dossierCode, message.webhookId)) return 'already-delivered';
  if (await ports.isPaused(message.agencyId))
    throw new DeliveryFailed(`deliveries to ${message.agencyId} are paused`, undefined, 'paused');
  const dossier = await ports.loadDossier(message.dossierCode);
  if (!dossier) return 'dossier-gone';

  const body = JSON.stringify(
    message.type === 'dossier.supplemented'
      ? supplementPayload(dossier, message.seq, ports.portalUrl)
      : message.type === 'dossier.withdrawn'
        ? withdrawalPayload(dossier)
        : deliveryPayload(await withOpenForm(dossier, noKey(ports)), ports.portalUrl),
  );
  return deliverSigned(
    ports,
    { code: dossier.code, agencyId: dossier.agencyId, webhookId: message.webhookId, body },
    attempt,
  );
}

/** One signed POST of `body` to the agency, recorded; failures say when to try again. */
export async function deliverSigned(
  ports: WebhookPorts,
  target: { code: string; agencyId: string; webhookId: string; body: string },
  attempt: number,
): Promise<'delivered'> {
  const { code, agencyId, webhookId, body } = target;
  const endpoint = ports.endpointFor(agencyId);
  const secrets = await ports.secretsFor(agencyId);
  if (!endpoint || !secrets[0]) throw new DeliveryFailed(`agency ${agencyId} has no endpoint or secret`);

  const headers = {
    'content-type': 'application/json',
    // One endpoint may serve every agency of a channel: the header says which agency this is for.
    [AGENCY_HEADER]: agencyId,
    ...signWebhook(secrets[0], webhookId, body, ports.now()),
  };
  const started = Date.now();
  const record = (status: number | null, outcome: DeliveryAttempt['outcome'], error?: string) =>
    ports.recordAttempt(code, {
      webhookId,
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
    const name = (err as Error).name;
    const reason =
      name === 'UnsafeEndpointError' ? 'refused' : name === 'DeliveryTimeoutError' ? 'timeout' : 'failed';
    await record(null, reason, (err as Error).message.slice(0, 200));
    throw new DeliveryFailed(`delivery to ${agencyId} failed: ${(err as Error).message}`);
  }
  if (response.status >= 200 && response.status < 300) {
    await ports.markDelivered(code, webhookId, ports.now().toISOString());
    await record(response.status, 'delivered');
    return 'delivered';
  }
  if (response.status === 410) {
    await record(410, 'gone', 'endpoint gone: deliveries to this agency are paused');
    const paused = await ports.pauseAgency(
      agencyId,
      ports.now().toISOString(),
      `410 Gone from ${new URL(endpoint).host} delivering ${code}`,
    );
    throw new DeliveryFailed(`agency ${agencyId} answered 410 Gone`, undefined, 'gone', paused);
  }
  await record(response.status, 'failed');
  throw new DeliveryFailed(`agency ${agencyId} answered ${response.status}`, response.retryAfter);
}
