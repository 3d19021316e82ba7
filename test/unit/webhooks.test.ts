import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { newWebhookSecret, signWebhook, verifyWebhook } from '../../functions/core/webhooks.js';

const BODY = JSON.stringify({ type: 'dossier.received', dossierCode: 'H01-260309-0001', note: 'Đã nhận' });
const MINUTE = 60_000;

describe('newWebhookSecret', () => {
  it('is a whsec_ secret of 32 random bytes, different every time', () => {
    const a = newWebhookSecret();
    const b = newWebhookSecret();
    expect(a).toMatch(/^whsec_[A-Za-z0-9+/]+=*$/);
    expect(Buffer.from(a.slice('whsec_'.length), 'base64')).toHaveLength(32);
    expect(a).not.toBe(b);
  });
});

describe('signWebhook', () => {
  it('produces the three Standard Webhooks headers with an HMAC-SHA256 over id.timestamp.body', () => {
    const secret = newWebhookSecret();
    const at = new Date('2026-11-22T10:00:00.750Z');
    const h = signWebhook(secret, 'msg_1', BODY, at);
    expect(h['webhook-id']).toBe('msg_1');
    expect(h['webhook-timestamp']).toBe(String(Date.parse('2026-11-22T10:00:00Z') / 1000));
    const key = Buffer.from(secret.slice('whsec_'.length), 'base64');
    const mac = createHmac('sha256', key).update(`msg_1.${h['webhook-timestamp']}.${BODY}`).digest('base64');
    expect(h['webhook-signature']).toBe(`v1,${mac}`);
  });
});

describe('verifyWebhook', () => {
  it('round trip: what is signed verifies', () => {
    const secret = newWebhookSecret();
    expect(verifyWebhook([secret], BODY, signWebhook(secret, 'msg_1', BODY))).toBe(true);
  });

  it('a timestamp a few minutes old is still within tolerance', () => {
    const secret = newWebhookSecret();
    const h = signWebhook(secret, 'msg_1', BODY, new Date(Date.now() - 4 * MINUTE));
    expect(verifyWebhook([secret], BODY, h)).toBe(true);
  });

  it('a tampered body fails', () => {
    const secret = newWebhookSecret();
    const h = signWebhook(secret, 'msg_1', BODY);
    expect(verifyWebhook([secret], BODY.replace('Đã nhận', 'Đã duyệt'), h)).toBe(false);
    expect(verifyWebhook([secret], `${BODY} `, h)).toBe(false);
  });

  it('a wrong secret fails', () => {
    const h = signWebhook(newWebhookSecret(), 'msg_1', BODY);
    expect(verifyWebhook([newWebhookSecret()], BODY, h)).toBe(false);
  });

  it('a stale timestamp (more than five minutes old) fails, even with a valid signature for it', () => {
    const secret = newWebhookSecret();
    const h = signWebhook(secret, 'msg_1', BODY, new Date(Date.now() - 6 * MINUTE));
    expect(verifyWebhook([secret], BODY, h)).toBe(false);
  });

  it('a timestamp too far in the future fails', () => {
    const secret = newWebhookSecret();
    const h = signWebhook(secret, 'msg_1', BODY, new Date(Date.now() + 6 * MINUTE));
    expect(verifyWebhook([secret], BODY, h)).toBe(false);
  });

  it('replaying a captured signature with a fresh timestamp fails', () => {
    const secret = newWebhookSecret();
    const old = signWebhook(secret, 'msg_1', BODY, new Date(Date.now() - 10 * MINUTE));
    const fresh = { ...old, 'webhook-timestamp': String(Math.floor(Date.now() / 1000)) };
    expect(verifyWebhook([secret], BODY, fresh)).toBe(false);
  });

  it('a changed webhook-id fails (the id is signed)', () => {
    const secret = newWebhookSecret();
    const h = { ...signWebhook(secret, 'msg_1', BODY), 'webhook-id': 'msg_2' };
    expect(verifyWebhook([secret], BODY, h)).toBe(false);
  });

  it('missing headers fail', () => {
    const secret = newWebhookSecret();
    const h = signWebhook(secret, 'msg_1', BODY);
    expect(verifyWebhook([secret], BODY, { ...h, 'webhook-signature': undefined })).toBe(false);
    expect(verifyWebhook([secret], BODY, { ...h, 'webhook-timestamp': undefined })).toBe(false);
    expect(verifyWebhook([secret], BODY, { ...h, 'webhook-id': undefined })).toBe(false);
    expect(verifyWebhook([secret], BODY, {})).toBe(false);
  });

  it('no active secrets: nothing verifies', () => {
    const secret = newWebhookSecret();
    expect(verifyWebhook([], BODY, signWebhook(secret, 'msg_1', BODY))).toBe(false);
  });

  it('rotation: verifies with the second of two active secrets, and still with the first', () => {
    const current = newWebhookSecret();
    const next = newWebhookSecret();
    expect(verifyWebhook([current, next], BODY, signWebhook(next, 'msg_1', BODY))).toBe(true);
    expect(verifyWebhook([current, next], BODY, signWebhook(current, 'msg_1', BODY))).toBe(true);
    expect(verifyWebhook([current, next], BODY, signWebhook(newWebhookSecret(), 'msg_1', BODY))).toBe(false);
  });

  it('a rotated-out secret no longer verifies', () => {
    const retired = newWebhookSecret();
    const current = newWebhookSecret();
    expect(verifyWebhook([current], BODY, signWebhook(retired, 'msg_1', BODY))).toBe(false);
  });

  it('answers true/false for a correctly signed body that is not JSON (it verifies bytes, not JSON)', () => {
    // The agency callback route authenticates before it parses the body: a signed but malformed body
    // must reach the JSON parser (400 MALFORMED_JSON), not escape from here as a SyntaxError.
    const secret = newWebhookSecret();
    const raw = '{"type":"dossier.received",';
    expect(verifyWebhook([secret], raw, signWebhook(secret, 'msg_1', raw))).toBe(true);
    expect(verifyWebhook([secret], raw, signWebhook(newWebhookSecret(), 'msg_1', raw))).toBe(false);
  });
});
