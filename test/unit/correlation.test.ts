import type { Context } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import { handler as catalog } from '../../functions/catalog/handler.js';
import { logger, withCorrelation } from '../../functions/core/logger.js';
import { call } from '../support/api-event.js';

describe('correlation ids on log lines', () => {
  it("an API call's lines carry the request id the answer's x-request-id names", async () => {
    const res = await call(catalog, { routeKey: 'GET /v1/procedures', query: { limit: '1' } });
    expect(res.status).toBe(200);
    expect(res.headers['x-request-id']).toEqual(expect.any(String));
    expect(logger.getCorrelationId()).toBe(res.headers['x-request-id']);
  });

  it("queue, stream and scheduled work carry the invocation's request id", async () => {
    const seen: unknown[] = [];
    const handler = withCorrelation(async () => {
      seen.push(logger.getCorrelationId());
    });
    await handler({}, { awsRequestId: 'req-1', functionName: 'cong-dev-dispatcher' } as Context);
    await handler({}, { awsRequestId: 'req-2', functionName: 'cong-dev-dispatcher' } as Context);
    expect(seen).toEqual(['req-1', 'req-2']);
  });
});
