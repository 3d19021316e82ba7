import { httpFunction, type Operations } from '../core/http.js';
import { logger } from '../core/logger.js';
import { rateLimitStore } from '../core/rate-limit-store.js';
import { verificationOf } from './documents.js';
import { openShare } from './library.js';
import { resultsRoutes } from './routes.js';
import { resultSigner } from './signer.js';
import { loadDocument, sharePorts } from './store.js';

const operations = {
  verifyResult: async (req) => {
    const { documentId } = req.params;
    const answer = verificationOf(documentId, await loadDocument(documentId));
    logger.info('result verified', { status: answer.status });
    // A revocation must show at once: never cached.
    return { body: answer, headers: { 'cache-control': 'no-store' } };
  },
  resultSigningKeys: async () => ({
    body: await resultSigner().jwks(),
    headers: { 'cache-control': 'public, max-age=300' },
  }),
  openSharedDocument: async (req) => {
    const { token } = req.params;
    const body = await openShare(sharePorts(), token, req.requestId);
    return { body, headers: { 'cache-control': 'no-store', 'referrer-policy': 'no-referrer' } };
  },
} satisfies Operations<typeof resultsRoutes>;

export const handler = httpFunction(resultsRoutes, operations, { rateLimits: rateLimitStore });
