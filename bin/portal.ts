#!/usr/bin/env node
/**
 * `cdk synth` / `cdk deploy` entry: the stage comes from context (`-c stage=prod`, default in cdk.json).
 * The CLI sets CDK_DEFAULT_ACCOUNT from the credentials; a stage pinned to another account stops here.
 */
import { buildApp } from '../lib/app.js';

buildApp({ callerAccount: process.env.CDK_DEFAULT_ACCOUNT || undefined });
