/**
 * Structured log lines for the local portal: one JSON object per line, a `src` naming the part of the
 * local cloud that speaks. Callers pass identifiers (request ids, route keys, queue names), never
 * citizens' data.
 */
export type LogLevel = 'debug' | 'info' | 'warn' | 'error';

export type LogFields = Record<string, unknown>;

export interface Log {
  debug(msg: string, fields?: LogFields): void;
  info(msg: string, fields?: LogFields): void;
  warn(msg: string, fields?: LogFields): void;
  error(msg: string, fields?: LogFields): void;
  child(src: string): Log;
}

const rank: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40 };

export interface LogOptions {
  /** Lowest level written; `quiet` logs only errors. */
  level?: LogLevel;
  quiet?: boolean;
  src?: string;
  write?: (line: string, level: LogLevel) => void;
}

const defaultWrite = (line: string, level: LogLevel) => {
  if (level === 'warn' || level === 'error') process.stderr.write(`${line}\n`);
  else process.stdout.write(`${line}\n`);
};

/** Error details fit for a log line: name and message, plus the stack for the operator's terminal. */
export function errorFields(err: unknown): LogFields {
  if (err instanceof Error) return { err: err.name, errMessage: err.message, stack: err.stack };
  return { err: String(err) };
}

export function createLog(options: LogOptions = {}): Log {
  const min = rank[options.quiet ? 'error' : (options.level ?? 'info')];
  const write = options.write ?? defaultWrite;
  const make = (src: string): Log => {
    const emit = (level: LogLevel, msg: string, fields?: LogFields) => {
      if (rank[level] < min) return;
      write(JSON.stringify({ time: new Date().toISOString(), level, src, msg, ...fields }), level);
    };
    return {
      debug: (msg, fields) => emit('debug', msg, fields),
      info: (msg, fields) => emit('info', msg, fields),
      warn: (msg, fields) => emit('warn', msg, fields),
      error: (msg, fields) => emit('error', msg, fields),
      child: (name) => make(`${src}.${name}`),
    };
  };
  return make(options.src ?? 'local');
}

/** For tests: keeps every line in memory instead of printing it. */
export function memoryLog(): Log & {
  lines: Array<LogFields & { level: LogLevel; msg: string; src: string }>;
} {
  const lines: Array<LogFields & { level: LogLevel; msg: string; src: string }> = [];
  const log = createLog({
    level: 'debug',
    write: (line) => {
      lines.push(JSON.parse(line) as LogFields & { level: LogLevel; msg: string; src: string });
    },
  });
  return Object.assign(log, { lines });
}
