/**
 * Public routes of electronic results: verification by document id, the keys that verify signatures,
 * and shared links. Verification shows only non-personal facts; a shared link is recorded in its
 * owner's access log before the download link is handed out.
 */
import type { z } from 'zod';
import type { sharedParams, verifyParams } from '../../schemas/results.js';
import { httpFunction, type Operation } from '../core/http.js';
import { logger } from '../core/logger.js';
import { rateLimitStore } from '../core/rate-limit-store.js';
import { openShare } from '../documents/library.js';
import { verificationOf } from '../documents/result-documents.js';
import { resultSigner } from '../documents/result-signer.js';
import { loadDocument, sharePorts } from '../documents/result-store.js';

const operations = {
  verifyResult: async (req) => {
    const { documentId } = req.params as z.output<typeof verifyParams>;
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
    const { token } = req.params as z.output<typeof sharedParams>;
    const body = await openShare(sharePorts(), token, req.requestId);
    return { body, headers: { 'cache-control': 'no-store', 'referrer-policy': 'no-referrer' } };
  },
} satisfies Record<string, Operation>;

export const handler = httpFunction('results', operations, { rateLimits: rateLimitStore });
