/**
 * The one way pages call the API: JSON in and out, the access token from the auth module when asked,
 * an Idempotency-Key on writes that create something, and the API's errors
 * ({ error: { code, message, messageVi, details: [{ path, code, message }] } }) turned into an ApiError
 * with a message in the page's language and messages per form field for inline errors.
 */
import { accessToken } from './auth.js';
import { config } from './config.js';
import { getLang, type Lang } from './i18n.js';

export interface ErrorDetail {
  path: string;
  code: string;
  message: string;
  /** The portal's own checks (applicant, attachments, destinations) say the problem in Vietnamese too. */
  messageVi?: string;
}

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    readonly messages: { vi: string; en: string },
    /** Field path (without the request part: "form.fullName", "q") → the server's detail. */
    readonly fields: Record<string, ErrorDetail> = {},
  ) {
    super(messages.en);
  }

  text(lang: Lang = getLang()): string {
    return this.messages[lang];
  }
}

/** Statuses the portal answers without a body worth reading (a proxy, the network). */
const FALLBACK: Record<string, { vi: string; en: string }> = {
  network: {
    vi: 'Không kết nối được với Cổng. Vui lòng kiểm tra mạng và thử lại.',
    en: 'Could not reach the portal. Check the connection and try again.',
  },
  401: { vi: 'Vui lòng đăng nhập.', en: 'Please sign in.' },
  other: {
    vi: 'Cổng đang gặp sự cố, vui lòng thử lại sau.',
    en: 'The portal had a problem, please try again later.',
  },
};

/** zod's issue codes, said in Vietnamese for fields (the server's own text is English). */
const FIELD_VI: Record<string, string> = {
  invalid_type: 'Vui lòng nhập mục này.',
  too_small: 'Giá trị quá ngắn hoặc quá nhỏ.',
  too_big: 'Giá trị quá dài hoặc quá lớn.',
  invalid_format: 'Sai định dạng.',
  invalid_string: 'Sai định dạng.',
  invalid_value: 'Giá trị không được chấp nhận.',
  invalid_enum_value: 'Giá trị không được chấp nhận.',
  unrecognized_keys: 'Mục không được chấp nhận.',
  custom: 'Giá trị không hợp lệ.',
  unknown_step: 'Bước này không thuộc hồ sơ.',
};

/** Form rules say their message in both languages in one text: "vi / en". */
const BILINGUAL = /^(.+?) \/ (.+)$/;

/**
 * A field's message in the page's language. The server's own words come first: its Vietnamese text
 * (`messageVi`, or the first half of a "vi / en" rule message); otherwise zod's issue code said in
 * Vietnamese; a code the page does not know keeps the server's text rather than a vague one.
 */
export const fieldMessage = (detail: ErrorDetail, lang: Lang = getLang()) => {
  const both = typeof detail.message === 'string' ? BILINGUAL.exec(detail.message) : null;
  if (lang === 'en') return both ? both[2] : detail.message;
  if (detail.messageVi) return detail.messageVi;
  if (both) return both[1];
  return FIELD_VI[detail.code] ?? detail.message ?? 'Giá trị không hợp lệ.';
};

/** Body, query and path are one request: the form addresses fields without the part's name. */
const fieldPath = (path: string) => path.replace(/^(body|query|path|params)\./, '');

export interface RequestOptions {
  method?: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  /** Sent as JSON. */
  body?: unknown;
  /** Send the access token; a request that needs it fails with 401 when signed out. */
  auth?: boolean;
  /** For writes that create something: the same key repeats the original answer, never a duplicate. */
  idempotencyKey?: string;
  headers?: Record<string, string>;
  signal?: AbortSignal;
}

/** A fresh key for one logical write; keep it across retries of that write. */
export const newIdempotencyKey = () => crypto.randomUUID();

export async function request<T>(path: string, options: RequestOptions = {}): Promise<T> {
  const headers: Record<string, string> = { accept: 'application/json', ...options.headers };
  if (options.auth) {
    const token = await accessToken();
    if (!token) throw new ApiError(401, 'UNAUTHORIZED', FALLBACK[401]!);
    headers.authorization = `Bearer ${token}`;
  }
  if (options.body !== undefined) headers['content-type'] = 'application/json';
  if (options.idempotencyKey) headers['idempotency-key'] = options.idempotencyKey;
  let res: Response;
  try {
    res = await fetch(`${config().apiUrl}${path}`, {
      method: options.method ?? 'GET',
      headers,
      body: options.body === undefined ? undefined : JSON.stringify(options.body),
      signal: options.signal,
    });
  } catch (err) {
    if ((err as Error).name === 'AbortError') throw err;
    throw new ApiError(0, 'NETWORK', FALLBACK.network!);
  }
  if (res.status === 204) return undefined as T;
  const body = (await res.json().catch(() => undefined)) as
    | { error?: { code?: string; message?: string; messageVi?: string; details?: unknown } }
    | undefined;
  if (res.ok) return body as T;
  const e = body?.error;
  const fallback = FALLBACK[res.status] ?? FALLBACK.other!;
  const fields: Record<string, ErrorDetail> = {};
  if (Array.isArray(e?.details))
    for (const d of e.details as ErrorDetail[])
      if (d && typeof d.path === 'string') fields[fieldPath(d.path)] ??= d;
  throw new ApiError(
    res.status,
    e?.code ?? `HTTP_${res.status}`,
    { vi: e?.messageVi ?? e?.message ?? fallback.vi, en: e?.message ?? fallback.en },
    fields,
  );
}

export const get = <T>(path: string, options: Omit<RequestOptions, 'method' | 'body'> = {}) =>
  request<T>(path, options);

/** A query string from the values that are set. */
export function query(params: Record<string, string | number | boolean | undefined | null>): string {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params))
    if (v !== undefined && v !== null && v !== '') q.set(k, String(v));
  const s = q.toString();
  return s ? `?${s}` : '';
}

/** Any error as text for the citizen. */
export const errorText = (err: unknown, lang: Lang = getLang()) =>
  err instanceof ApiError
    ? err.text(lang)
    : lang === 'vi'
      ? 'Đã có lỗi, vui lòng thử lại.'
      : 'Something went wrong, please try again.';
