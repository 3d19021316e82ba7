import { config } from '../core/config.js';
import { httpFunction } from '../core/http.js';
import { buildOpenApi } from './openapi.js';

let document: Record<string, unknown> | undefined;

export const handler = httpFunction('platform', {
  health: async () => ({ body: { status: 'ok', stage: config().STAGE, time: new Date().toISOString() } }),
  openapi: async () => {
    document ??= buildOpenApi();
    return { body: document, headers: { 'cache-control': 'public, max-age=300' } };
  },
});
