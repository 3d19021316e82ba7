/** What the process writes while a test runs, and what the handlers log. */
import { logger } from '../../functions/core/logger.js';

/**
 * Everything the process writes to stdout and stderr while started; written through as well unless
 * `quiet` (then it is only kept for the test to read).
 */
export function outputCapture({ quiet = false } = {}) {
  const lines: string[] = [];
  const writes = { out: process.stdout.write, err: process.stderr.write };
  const capture =
    (original: typeof process.stdout.write) =>
    (chunk: unknown, ...rest: unknown[]): boolean => {
      lines.push(typeof chunk === 'string' ? chunk : Buffer.from(chunk as Uint8Array).toString('utf8'));
      if (quiet) return true;
      return (original as (...a: unknown[]) => boolean).call(
        original === writes.err ? process.stderr : process.stdout,
        chunk,
        ...rest,
      );
    };
  return {
    /** What was written since `start`, chunk by chunk. */
    lines,
    start() {
      process.stdout.write = capture(writes.out) as typeof process.stdout.write;
      process.stderr.write = capture(writes.err) as typeof process.stderr.write;
    },
    stop() {
      process.stdout.write = writes.out;
      process.stderr.write = writes.err;
    },
  };
}

/**
 * Everything the handlers log while started, every level on (tests otherwise run silent), so what they
 * would log in production is seen; stopping sets them silent again.
 */
export function handlerLogs() {
  // Kept for the test's checks, not printed: a whole flow at DEBUG would flood the test report.
  const output = outputCapture({ quiet: true });
  return {
    lines: output.lines,
    start() {
      output.start();
      logger.setLogLevel('DEBUG');
    },
    stop() {
      output.stop();
      logger.setLogLevel('SILENT');
    },
  };
}
