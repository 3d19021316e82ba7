/**
 * The portal's HTTP API as a test drives it: requests with a bearer token, an Idempotency-Key and a
 * JSON body, and scans uploaded through the presigned POST form as a browser does.
 */
import { expect } from 'vitest';

/** Response bodies as the API sends them (JSON.parse). */
export type Json = ReturnType<typeof JSON.parse>;

export interface ApiOptions {
  /** Sent as `authorization: Bearer <token>`. */
  token?: string;
  /** Sent as JSON, or as it is when already a string (with content-type JSON unless `headers` names one). */
  body?: unknown;
  /** Sent as the Idempotency-Key header. */
  key?: string;
  /** Sent as the Accept header. */
  accept?: string;
  /** Sent last: these win over the headers the options above set. */
  headers?: Record<string, string>;
  redirect?: 'follow' | 'manual' | 'error';
}

export interface ApiResponse {
  status: number;
  headers: Headers;
  /** The response's content-type ('' when none). */
  type: string;
  text: string;
  /** The parsed JSON body; undefined when the body is empty or not JSON. */
  body: Json;
}

function parseBody(text: string, type: string): Json {
  if (!text) return undefined;
  // A body declared JSON must parse; anything else is read as JSON only when it is.
  if (type.startsWith('application/json')) return JSON.parse(text);
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

export type PortalApi = (method: string, path: string, opts?: ApiOptions) => Promise<ApiResponse>;

/** Requests against the portal at `baseUrl()` (read on each call, so it may be set in beforeAll). */
export function portalApi(baseUrl: () => string): PortalApi {
  return async (method, path, opts = {}) => {
    const headers: Record<string, string> = {};
    if (opts.body !== undefined) headers['content-type'] = 'application/json';
    if (opts.token) headers.authorization = `Bearer ${opts.token}`;
    if (opts.key) headers['idempotency-key'] = opts.key;
    if (opts.accept) headers.accept = opts.accept;
    Object.assign(headers, opts.headers);
    const res = await fetch(`${baseUrl()}${path}`, {
      method,
      headers,
      body: opts.body === undefined || typeof opts.body === 'string' ? opts.body : JSON.stringify(opts.body),
      ...(opts.redirect ? { redirect: opts.redirect } : {}),
    });
    const text = await res.text();
    const type = res.headers.get('content-type') ?? '';
    return { status: res.status, headers: res.headers, type, text, body: parseBody(text, type) };
  };
}

export interface UploadInput {
  bytes: Buffer | string;
  /** The name declared when creating the upload; 'scan.pdf' when not given. */
  fileName?: string;
  contentType?: string;
  /** The size declared when creating the upload; the bytes' length when not given. */
  size?: number;
  /** The name the browser gives the file in the form; `fileName` when not given. */
  formFileName?: string;
}

/**
 * Creates an upload as `token` and posts the bytes to storage through the presigned form, as a browser
 * would; both steps must succeed. Returns the upload id.
 */
export async function upload(api: PortalApi, token: string, input: UploadInput): Promise<string> {
  const { bytes, fileName = 'scan.pdf', contentType = 'application/pdf' } = input;
  const created = await api('POST', '/v1/uploads', {
    token,
    body: { fileName, contentType, size: input.size ?? Buffer.byteLength(bytes) },
  });
  expect(created.status).toBe(201);
  const form = new FormData();
  for (const [k, v] of Object.entries(created.body.fields as Record<string, string>)) form.append(k, v);
  // A copy into a plain Uint8Array is a BlobPart under both Node's and the DOM's typings.
  const part = typeof bytes === 'string' ? bytes : new Uint8Array(bytes);
  form.append('file', new Blob([part], { type: contentType }), input.formFileName ?? fileName);
  expect((await fetch(created.body.url, { method: 'POST', body: form })).status).toBeLessThan(300);
  return created.body.uploadId as string;
}

/** A tiny PDF named `<name>.pdf` (its bytes name it too), uploaded as `token`. Returns the upload id. */
export const uploadScan = (api: PortalApi, token: string, name: string) =>
  upload(api, token, { bytes: Buffer.from(`%PDF-1.7 ${name}`), fileName: `${name}.pdf` });

/** `api`, `upload` and `uploadScan` against the portal at `baseUrl()` (read on each call). */
export function portalClient(baseUrl: () => string) {
  const api = portalApi(baseUrl);
  return {
    api,
    upload: (token: string, input: UploadInput) => upload(api, token, input),
    uploadScan: (token: string, name: string) => uploadScan(api, token, name),
  };
}
