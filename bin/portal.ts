#!/usr/bin/env node
/** `cdk synth` / `cdk deploy` entry: the stage comes from context (`-c stage=prod`, default in cdk.json). */
import { buildApp } from '../lib/app.js';

const account = process.env.CDK_DEFAULT_ACCOUNT;
const region = process.env.CDK_DEFAULT_REGION;

buildApp({ env: account || region ? { account, region } : undefined });
