#!/usr/bin/env node
/**
 * `npm run diff -- --stage prod` / `npm run deploy -- --stage prod`: the CDK CLI for every stack of one
 * stage. `--stage <name>` (or `--stage=<name>`) becomes `-c stage=<name>`; other arguments pass through.
 */
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { STAGES } from '../lib/settings.js';

/** The CDK CLI arguments for `command` with the wrapper's own arguments; throws on a bad --stage. */
export function cdkArguments(command: string, args: readonly string[]): string[] {
  const rest: string[] = [];
  let stage: string | undefined;
  for (let i = 0; i < args.length; i++) {
    const arg = args[i] as string;
    if (arg === '--stage') {
      stage = args[++i];
    } else if (arg.startsWith('--stage=')) {
      stage = arg.slice('--stage='.length);
    } else {
      rest.push(arg);
    }
  }
  if (!stage || !(STAGES as readonly string[]).includes(stage)) {
    throw new Error(`usage: npm run ${command} -- --stage <${STAGES.join('|')}> [cdk options]`);
  }
  // --all: a stage is five stacks (Edge in us-east-1, Data, Api, Monitoring, Web), deployed in
  // dependency order.
  return [command, '--all', '-c', `stage=${stage}`, ...rest];
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const [command = '', ...args] = process.argv.slice(2);
  let cdkArgs: string[];
  try {
    cdkArgs = cdkArguments(command, args);
  } catch (error) {
    console.error((error as Error).message);
    process.exit(2);
  }
  const cdk = fileURLToPath(new URL('../node_modules/.bin/cdk', import.meta.url));
  const run = spawnSync(cdk, cdkArgs, {
    stdio: 'inherit',
    env: { CDK_DISABLE_VERSION_CHECK: '1', ...process.env },
  });
  process.exit(run.status ?? 1);
}
