/** HTTP helpers shared by the local API server and the agency simulator. */
import type { IncomingMessage, ServerResponse } from 'node:http';

export const JSON_TYPE = 'application/json; charset=utf-8';

/** The portal's one error shape; the local cloud answers its own failures with it too. */
export interface ErrorBody {
  error: { code: string; message: string; messageVi: string; details?: unknown };
}

export interface LocalError {
  status: number;
  code: string;
  message: string;
  messageVi: string;
}

/** Failures the local cloud itself produces (a handler's own errors pass through untouched). */
export const localErrors = {
  notFound: {
    status: 404,
    code: 'NOT_FOUND',
    message: 'No route matches this path',
    messageVi: 'Không tìm thấy đường dẫn này',
  },
  methodNotAllowed: {
    status: 405,
    code: 'METHOD_NOT_ALLOWED',
    message: 'This path does not accept this method',
    messageVi: 'Đường dẫn này không hỗ trợ phương thức này',
  },
  payloadTooLarge: {
    status: 413,
    code: 'PAYLOAD_TOO_LARGE',
    message: 'The request body is too large',
    messageVi: 'Nội dung yêu cầu quá lớn',
  },
  badJson: {
    status: 400,
    code: 'MALFORMED_JSON',
    message: 'The request body is not valid JSON',
    messageVi: 'Nội dung yêu cầu không phải JSON hợp lệ',
  },
  validation: {
    status: 400,
    code: 'VALIDATION_FAILED',
    message: 'The request is not valid',
    messageVi: 'Yêu cầu không hợp lệ',
  },
  internal: {
    status: 500,
    code: 'INTERNAL',
    message: 'Internal error',
    messageVi: 'Lỗi hệ thống',
  },
  notDeployed: {
    status: 501,
    code: 'NOT_IMPLEMENTED',
    message: 'This function is not available in the local portal',
    messageVi: 'Chức năng này chưa có trên cổng chạy cục bộ',
  },
  starting: {
    status: 503,
    code: 'SERVICE_UNAVAILABLE',
    message: 'The local portal is starting, try again in a moment',
    messageVi: 'Cổng đang khởi động, vui lòng thử lại sau giây lát',
  },
  badSignature: {
    status: 401,
    code: 'INVALID_SIGNATURE',
    message: 'The signature is missing or invalid',
    messageVi: 'Chữ ký không có hoặc không hợp lệ',
  },
} as const satisfies Record<string, LocalError>;

export function errorBody(e: LocalError, details?: unknown): ErrorBody {
  return {
    error: {
      code: e.code,
      message: e.message,
      messageVi: e.messageVi,
      ...(details === undefined ? {} : { details }),
    },
  };
}

export function sendJson(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string | string[]> = {},
) {
  const text = JSON.stringify(body);
  res.writeHead(status, { ...headers, 'content-type': JSON_TYPE, 'content-length': Buffer.byteLength(text) });
  res.end(text);
}

export function sendError(
  res: ServerResponse,
  e: LocalError,
  details?: unknown,
  headers: Record<string, string | string[]> = {},
) {
  sendJson(res, e.status, errorBody(e, details), headers);
}

export class BodyTooLargeError extends Error {
  constructor(readonly limit: number) {
    super(`request body exceeds ${limit} bytes`);
    this.name = 'BodyTooLargeError';
  }
}

/** Reads the whole body, refusing (before reading when the length is declared) anything over `limit`. */
export function readBody(req: IncomingMessage, limit: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const declared = Number(req.headers['content-length'] ?? Number.NaN);
    if (Number.isFinite(declared) && declared > limit) {
      req.resume();
      reject(new BodyTooLargeError(limit));
      return;
    }
    const chunks: Buffer[] = [];
    let size = 0;
    let failed = false;
    req.on('data', (chunk: Buffer) => {
      if (failed) return;
      size += chunk.length;
      if (size > limit) {
        failed = true;
        reject(new BodyTooLargeError(limit));
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => {
      if (!failed) resolve(Buffer.concat(chunks));
    });
    req.on('error', (err) => {
      if (!failed) reject(err);
    });
  });
}

/** First value of a header as Node hands it over (string, string[] or absent). */
export function headerValue(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}
