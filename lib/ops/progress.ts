/**
 * The operator tools' progress on stderr (stdout keeps the JSON report, for scripts and `jq`). Nothing
 * is drawn when stderr is not a terminal (CI logs, pipes).
 */
import { Presets, SingleBar } from 'cli-progress';

export interface Progress {
  /** Sets or raises the expected total (a queue's size may only be known approximately). */
  total(n: number): void;
  tick(n?: number): void;
  stop(): void;
}

export function progress(label: string, stream: NodeJS.WriteStream = process.stderr): Progress {
  const bar = new SingleBar(
    {
      stream,
      format: `${label} [{bar}] {value}/{total}`,
      hideCursor: true,
      clearOnComplete: false,
    },
    Presets.shades_classic,
  );
  let started = false;
  let total = 0;
  let value = 0;
  return {
    total(n) {
      total = Math.max(n, value);
      if (!started) {
        bar.start(total, value);
        started = true;
      } else bar.setTotal(total);
    },
    tick(n = 1) {
      value += n;
      if (!started) this.total(Math.max(total, value));
      if (value > total) {
        total = value;
        bar.setTotal(total);
      }
      bar.update(value);
    },
    stop() {
      if (started) bar.stop();
    },
  };
}

/** One line on stderr after the bar: what happened, for the person at the terminal. */
export function summary(line: string, stream: NodeJS.WriteStream = process.stderr): void {
  stream.write(`${line}\n`);
}
