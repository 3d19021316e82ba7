/**
 * Lambda as the local cloud runs it: the handler module imported once (a warm container), a context
 * object like Lambda's, and the function's timeout enforced on each invocation.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import { randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { Context } from 'aws-lambda';

/** Repository root, so function entries (`functions/catalog/handler.ts`) resolve from any working directory. */
export const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url));

export const LOCAL_REGION = 'ap-southeast-1';
export const LOCAL_ACCOUNT = '000000000000';

export type LambdaHandler<E, R> = (event: E, context: Context) => Promise<R> | R;

export interface LocalFunction<E, R> {
  readonly name: string;
  readonly timeoutSeconds: number;
  /** False while the function's code does not exist yet; callers then leave their events where they are. */
  available(): boolean;
  invoke(event: E): Promise<R>;
}

export interface FunctionSettings {
  name: string;
  timeoutSeconds: number;
  memoryMb?: number;
}

/** The entry file is missing: the function is not part of this checkout yet. */
export class FunctionUnavailableError extends Error {
  constructor(readonly functionName: string) {
    super(`function ${functionName} has no code in this checkout`);
    this.name = 'FunctionUnavailableError';
  }
}

export class FunctionTimeoutError extends Error {
  constructor(
    readonly functionName: string,
    readonly timeoutSeconds: number,
  ) {
    super(`function ${functionName} timed out after ${timeoutSeconds} s`);
    this.name = 'FunctionTimeoutError';
  }
}

function lambdaContext(settings: FunctionSettings, deadline: number, requestId: string): Context {
  const arn = `arn:aws:lambda:${LOCAL_REGION}:${LOCAL_ACCOUNT}:function:${settings.name}`;
  const unsupported = () => {
    throw new Error('callback-style completion is not supported; return a promise');
  };
  return {
    callbackWaitsForEmptyEventLoop: true,
    functionName: settings.name,
    functionVersion: '$LATEST',
    invokedFunctionArn: arn,
    memoryLimitInMB: String(settings.memoryMb ?? 128),
    awsRequestId: requestId,
    logGroupName: `/aws/lambda/${settings.name}`,
    logStreamName: `local/[$LATEST]${randomUUID().replaceAll('-', '')}`,
    getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()),
    done: unsupported,
    fail: unsupported,
    succeed: unsupported,
  };
}

/** One finished invocation: the function, its configured memory and how long the handler ran. */
export interface Invocation {
  name: string;
  memoryMb: number;
  ms: number;
}
const observers = new Set<(invocation: Invocation) => void>();
const runningFunction = new AsyncLocalStorage<string>();

/** Calls `observer` after each invocation (benchmarks count and time them); returns the remover. */
export function observeInvocations(observer: (invocation: Invocation) => void): () => void {
  observers.add(observer);
  return () => observers.delete(observer);
}

/** The function whose invocation the caller runs in (undefined outside any), e.g. for an SDK middleware. */
export const currentFunction = (): string | undefined => runningFunction.getStore();

function withTimeout<E, R>(settings: FunctionSettings, load: () => Promise<LambdaHandler<E, R>>) {
  return async (event: E): Promise<R> => {
    const handler = await load();
    const deadline = Date.now() + settings.timeoutSeconds * 1000;
    const context = lambdaContext(settings, deadline, randomUUID());
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () => reject(new FunctionTimeoutError(settings.name, settings.timeoutSeconds)),
        settings.timeoutSeconds * 1000,
      );
    });
    const started = performance.now();
    try {
      return await Promise.race([
        runningFunction.run(settings.name, () => Promise.resolve().then(() => handler(event, context))),
        timeout,
      ]);
    } finally {
      clearTimeout(timer);
      const ms = performance.now() - started;
      for (const observe of observers)
        observe({ name: settings.name, memoryMb: settings.memoryMb ?? 128, ms });
    }
  };
}

/** A function whose code is a module exporting `handler`, imported on first use and kept (warm). */
export function functionFromModule<E, R>(
  settings: FunctionSettings & { entry: string; exportName?: string },
): LocalFunction<E, R> {
  const file = resolve(REPO_ROOT, settings.entry);
  const exportName = settings.exportName ?? 'handler';
  let loaded: Promise<LambdaHandler<E, R>> | undefined;
  const load = () => {
    if (!existsSync(file)) return Promise.reject(new FunctionUnavailableError(settings.name));
    loaded ??= import(pathToFileURL(file).href).then((mod: Record<string, unknown>) => {
      const fn = mod[exportName];
      if (typeof fn !== 'function')
        throw new TypeError(`${settings.entry} does not export a ${exportName} function`);
      return fn as LambdaHandler<E, R>;
    });
    return loaded;
  };
  return {
    name: settings.name,
    timeoutSeconds: settings.timeoutSeconds,
    available: () => existsSync(file),
    invoke: withTimeout(settings, load),
  };
}

/** A function given as a handler value (tests, and routes the local cloud serves itself). */
export function functionFromHandler<E, R>(
  settings: FunctionSettings & { handler: LambdaHandler<E, R> },
): LocalFunction<E, R> {
  return {
    name: settings.name,
    timeoutSeconds: settings.timeoutSeconds,
    available: () => true,
    invoke: withTimeout(settings, async () => settings.handler),
  };
}
