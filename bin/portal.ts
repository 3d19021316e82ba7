#!/usr/bin/env node
/**
 * `cdk synth` / `cdk deploy` entry: the stage comes from context (`-c stage=prod`, default in cdk.json).
 * The CLI sets CDK_DEFAULT_ACCOUNT from the credentials; a stage pinned to another account stops here.
 */
import { buildApp } from '../lib/app.js';

try {
  buildApp({ callerAccount: process.env.CDK_DEFAULT_ACCOUNT || undefined });
} catch (error) {
  // A configuration mistake reads better as one line than as a stack trace.
  console.error(`\n${(error as Error).message}\n`);
  process.exit(1);
}
