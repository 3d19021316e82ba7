/**
 * Standard Webhooks signatures (webhook-id, webhook-timestamp, webhook-signature) for both directions:
 * dossiers the portal delivers to agencies and events agencies report back. Each agency has up to two
 * active secrets so a secret can be rotated without a window in which deliveries fail.
 */
import { Webhook, WebhookVerificationError } from 'standardwebhooks';

export { signedGetContent } from './signed-get.js';

/** Which agency signed an inbound event; the signature then proves it. */
export const AGENCY_HEADER = 'cong-agency-id';

export function signWebhook(
  secret: string,
  webhookId: string,
  payload: string,
  at: Date = new Date(),
): Record<string, string> {
  const signature = new Webhook(secret).sign(webhookId, at, payload);
  return {
    'webhook-id': webhookId,
    'webhook-timestamp': String(Math.floor(at.getTime() / 1000)),
    'webhook-signature': signature,
  };
}

/**
 * True when any active secret verifies the raw body and headers (timestamp within the library's
 * five-minute tolerance, so a captured request cannot be replayed later).
 */
export function verifyWebhook(
  secrets: readonly string[],
  payload: string,
  headers: Record<string, string | undefined>,
) {
  const h = {
    'webhook-id': headers['webhook-id'] ?? '',
    'webhook-timestamp': headers['webhook-timestamp'] ?? '',
    'webhook-signature': headers['webhook-signature'] ?? '',
  };
  for (const secret of secrets) {
    try {
      // The body is parsed (and a malformed one answered 400) after authentication, not here.
      new Webhook(secret).verify(payload, h, { jsonParse: false });
      return true;
    } catch (err) {
      if (!(err instanceof WebhookVerificationError)) throw err;
    }
  }
  return false;
}

/** A fresh secret in the `whsec_` form the Standard Webhooks libraries read. */
export function newWebhookSecret(): string {
  const bytes = new Uint8Array(32);
  crypto.getRandomValues(bytes);
  return `whsec_${Buffer.from(bytes).toString('base64')}`;
}
