import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { postTo } from '../../functions/dispatch/store.js';

let server: Server;
let port: number;
const seen: { host?: string; body: string }[] = [];

beforeAll(async () => {
  server = createServer((req, res) => {
    let body = '';
    req.on('data', (c) => {
      body += c;
    });
    req.on('end', () => {
      seen.push({ host: req.headers.host, body });
      if (req.url === '/slow') return; // never answers
      res.writeHead(req.url === '/busy' ? 429 : 202, req.url === '/busy' ? { 'retry-after': '30' } : {});
      res.end();
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  port = (server.address() as AddressInfo).port;
});
afterAll(() => {
  server.closeAllConnections();
  server.close();
});

describe('webhook POST to a vetted address', () => {
  it('connects to the pinned address, not to what the name would resolve to', async () => {
    // `.invalid` never resolves: reaching the server proves no second DNS look-up happened.
    const res = await postTo(
      new URL(`http://agency.invalid:${port}/hook`),
      { 'content-type': 'application/json' },
      '{"a":1}',
      {
        address: '127.0.0.1',
        family: 4,
      },
    );
    expect(res.status).toBe(202);
    expect(seen.at(-1)).toEqual({ host: `agency.invalid:${port}`, body: '{"a":1}' });
  });

  it("carries the agency's Retry-After", async () => {
    const res = await postTo(new URL(`http://127.0.0.1:${port}/busy`), {}, '{}', undefined);
    expect(res).toEqual({ status: 429, retryAfter: '30' });
  });
});
