/**
 * Requests as bytes on the wire: node's own HTTP client over keep-alive sockets, the body a Buffer sent
 * as it is (invalid UTF-8, NUL bytes and broken JSON arrive as generated), headers and path as latin-1.
 */
import { Agent, request } from 'node:http';

export interface WireRequest {
  method: string;
  /** Path and query, already encoded as they go on the wire. */
  target: string;
  headers: Record<string, string>;
  body?: Buffer;
}

export interface WireResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: Buffer;
}

export interface Wire {
  send(req: WireRequest): Promise<WireResponse>;
  close(): void;
}

/** Bodies above this size are sent with `Expect: 100-continue`. */
const EXPECT_CONTINUE_BYTES = 512 * 1024;

export function wireTo(baseUrl: string, sockets = 32): Wire {
  const agent = new Agent({ keepAlive: true, maxSockets: sockets });
  const base = new URL(baseUrl);
  const once = (req: WireRequest): Promise<WireResponse> =>
    new Promise((resolve, reject) => {
      const out = request(
        {
          agent,
          host: base.hostname,
          port: base.port,
          method: req.method,
          path: req.target,
          headers: {
            ...req.headers,
            ...(req.body ? { 'content-length': String(req.body.length) } : {}),
            // An oversized body waits for the server's go-ahead, so its refusal is read, not a reset.
            ...(req.body && req.body.length > EXPECT_CONTINUE_BYTES ? { expect: '100-continue' } : {}),
          },
          timeout: 60_000,
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () =>
            resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }),
          );
          res.on('error', reject);
        },
      );
      out.on('timeout', () => out.destroy(new Error('no answer within 60 s')));
      out.on('error', (err: NodeJS.ErrnoException) =>
        reject(Object.assign(err, { reusedSocket: out.reusedSocket })),
      );
      if (req.body && req.body.length > EXPECT_CONTINUE_BYTES) out.on('continue', () => out.end(req.body));
      else out.end(req.body);
    });
  return {
    // A kept-alive socket the server closed while idle fails the next request at once: sent again on a
    // fresh socket, as node's documentation advises (request.reusedSocket).
    send: (req) =>
      once(req).catch((err: NodeJS.ErrnoException & { reusedSocket?: boolean }) => {
        if (err.reusedSocket && err.code === 'ECONNRESET') return once(req);
        throw err;
      }),
    close: () => agent.destroy(),
  };
}
