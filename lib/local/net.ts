/** Ports, listening and waiting for the local cloud's servers. */
import { createServer, type Server } from 'node:net';

export const LOOPBACK = '127.0.0.1';

/** Listens on `port` (0 = any free one) and resolves with the port actually bound. */
export function listen(
  server: Pick<Server, 'listen' | 'once' | 'off' | 'address'>,
  port: number,
  host = LOOPBACK,
) {
  return new Promise<number>((resolve, reject) => {
    const onError = (err: Error) => {
      server.off('listening', onListening);
      reject(err);
    };
    const onListening = () => {
      server.off('error', onError);
      const address = server.address();
      resolve(typeof address === 'object' && address ? address.port : port);
    };
    server.once('error', onError);
    server.once('listening', onListening);
    server.listen(port, host);
  });
}

/**
 * Listens on a preferred port when it is free, otherwise on any free port. Reusing a port across restarts
 * in one process keeps endpoints that handler modules captured at their cold start valid.
 */
export async function listenPreferring(
  server: Pick<Server, 'listen' | 'once' | 'off' | 'address'>,
  preferred: number | undefined,
  host = LOOPBACK,
) {
  if (preferred) {
    try {
      return await listen(server, preferred, host);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EADDRINUSE') throw err;
    }
  }
  return listen(server, 0, host);
}

/** A port that was free a moment ago, for a child process that must be told its port up front. */
export async function freePort(preferred?: number, host = LOOPBACK): Promise<number> {
  const probe = createServer();
  const port = await listenPreferring(probe, preferred, host);
  await new Promise<void>((resolve) => probe.close(() => resolve()));
  return port;
}

export function isAddressInUse(err: unknown): boolean {
  return (err as NodeJS.ErrnoException | undefined)?.code === 'EADDRINUSE';
}

/** Sleeps, waking early (without throwing) when the signal aborts. */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal?.aborted) return resolve();
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    }
    signal?.addEventListener('abort', done, { once: true });
  });
}
