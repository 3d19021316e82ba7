/**
 * The portal's public API as a well-behaved client uses it under faults: a 5xx, a 429 or a dropped
 * connection is retried with capped backoff and the same Idempotency-Key, as the citizen page does; any
 * other answer is final.
 */
import { sleep } from '../../lib/local/net.js';

/** Response bodies as the API sends them (JSON.parse). */
export type Json = ReturnType<typeof JSON.parse>;

export interface CallResult {
  status: number;
  body: Json;
  /** Requests sent, the first included. */
  attempts: number;
}

export interface ClientStats {
  requests: number;
  retries: number;
  /** Calls that still failed after every retry. */
  gaveUp: number;
}

export interface ChaosClient {
  readonly stats: ClientStats;
  call(
    method: string,
    path: string,
    options?: { token?: string; body?: unknown; key?: string },
  ): Promise<CallResult>;
  /** Creates an upload and posts the bytes through its presigned form; returns the upload id. */
  upload(token: string, name: string): Promise<string>;
}

const MAX_ATTEMPTS = 10;
const BASE_DELAY_MS = 100;
const MAX_DELAY_MS = 3_000;

const retryable = (status: number) => status === 0 || status === 429 || status >= 500;

export function chaosClient(baseUrl: string): ChaosClient {
  const stats: ClientStats = { requests: 0, retries: 0, gaveUp: 0 };

  async function once(
    method: string,
    url: string,
    init: RequestInit,
  ): Promise<{ status: number; body: Json }> {
    stats.requests++;
    try {
      const res = await fetch(url, { method, ...init, signal: AbortSignal.timeout(60_000) });
      const text = await res.text();
      let body: Json;
      try {
        body = text ? JSON.parse(text) : undefined;
      } catch {
        body = text;
      }
      return { status: res.status, body };
    } catch {
      return { status: 0, body: undefined };
    }
  }

  async function withRetries(method: string, url: string, init: () => RequestInit): Promise<CallResult> {
    let result: { status: number; body: Json } = { status: 0, body: undefined };
    for (let attempt = 1; attempt <= MAX_ATTEMPTS; attempt++) {
      result = await once(method, url, init());
      if (!retryable(result.status)) return { ...result, attempts: attempt };
      if (attempt < MAX_ATTEMPTS) {
        stats.retries++;
        const cap = Math.min(MAX_DELAY_MS, BASE_DELAY_MS * 2 ** (attempt - 1));
        await sleep(cap / 2 + Math.random() * (cap / 2));
      }
    }
    stats.gaveUp++;
    return { ...result, attempts: MAX_ATTEMPTS };
  }

  const client: ChaosClient = {
    stats,
    call(method, path, options = {}) {
      const headers: Record<string, string> = {};
      if (options.body !== undefined) headers['content-type'] = 'application/json';
      if (options.token) headers.authorization = `Bearer ${options.token}`;
      if (options.key) headers['idempotency-key'] = options.key;
      const body = options.body === undefined ? undefined : JSON.stringify(options.body);
      return withRetries(method, `${baseUrl}${path}`, () => ({ headers, ...(body ? { body } : {}) }));
    },
    async upload(token, name) {
      const bytes = Buffer.from(`%PDF-1.7 ${name}`);
      const created = await client.call('POST', '/v1/uploads', {
        token,
        body: { fileName: `${name}.pdf`, contentType: 'application/pdf', size: bytes.length },
      });
      if (created.status !== 201) throw new Error(`upload refused: ${created.status}`);
      const { url, fields, uploadId } = created.body as {
        url: string;
        fields: Record<string, string>;
        uploadId: string;
      };
      const posted = await withRetries('POST', url, () => {
        const form = new FormData();
        for (const [k, v] of Object.entries(fields)) form.append(k, v);
        form.append('file', new Blob([bytes], { type: 'application/pdf' }), `${name}.pdf`);
        return { body: form };
      });
      if (posted.status >= 300) throw new Error(`storage refused the upload: ${posted.status}`);
      return uploadId;
    },
  };
  return client;
}
