/**
 * A setup file of the tiers that start local portals: startTestPortal (test/support/local-portal.ts) puts
 * each portal's table in the tier's shared DynamoDB Local. An environment variable, not inject(), because
 * the benchmarks and the fuzzer start portals outside vitest.
 */
import { inject } from 'vitest';
import { SHARED_DYNAMODB_ENV } from './local-portal.js';

process.env[SHARED_DYNAMODB_ENV] = inject('dynamoEndpoint');
