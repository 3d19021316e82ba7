/** The personal-data rights function group: a person's requests, the operators' queue, actions and report. */
import { AppError } from '../core/errors.js';
import { httpFunction, personOf } from '../core/http.js';
import { logger } from '../core/logger.js';
import {
  fileDataRequest,
  monthOf,
  operatorActs,
  ownRequest,
  reportOf,
  viewOf,
  withdrawDataRequest,
} from './requests.js';
import { rightsRoutes } from './routes.js';
import { dataRequestStore } from './store.js';

let store: ReturnType<typeof dataRequestStore> | undefined;
const ports = () => {
  store ??= dataRequestStore();
  return store;
};

export const handler = httpFunction(rightsRoutes, {
  fileDataRequest: async (req) => {
    const body = await fileDataRequest(ports(), personOf(req), req.headers['idempotency-key']!, req.body);
    // Kind and id only: never what was asked.
    logger.info('data request filed', { requestId: body.id, requestKind: body.kind });
    return { status: 201, body };
  },
  listMyDataRequests: async (req) => {
    const page = await ports().listOwned(personOf(req).sub, req.query.limit, req.query.cursor);
    const now = new Date();
    return { body: { items: page.items.map((r) => viewOf(r, now)), nextCursor: page.nextCursor } };
  },
  getMyDataRequest: async (req) => ({
    body: viewOf(await ownRequest(ports(), personOf(req).sub, req.params.id), new Date()),
  }),
  withdrawMyDataRequest: async (req) => ({
    body: await withdrawDataRequest(ports(), personOf(req).sub, req.params.id, req.body.note),
  }),
  listDataRequestQueue: async (req) => {
    const q = req.query;
    const now = new Date();
    const at = now.toISOString();
    const page = await ports().queue(
      {
        ...(q.status ? { status: q.status } : {}),
        ...(q.kind ? { kind: q.kind } : {}),
        ...(q.overdue === 'true' ? { overdueAt: at } : {}),
        ...(q.overdue === 'false' ? { notOverdueAt: at } : {}),
      },
      q.limit,
      q.cursor,
    );
    return { body: { items: page.items.map((r) => viewOf(r, now)), nextCursor: page.nextCursor } };
  },
  actOnDataRequest: async (req) => {
    const body = await operatorActs(ports(), req.params.id, req.body);
    logger.info('data request action', { requestId: body.id, action: req.body.action, status: body.status });
    return { body };
  },
  reportDataRequests: async (req) => {
    const now = new Date();
    const month = req.query.month ?? monthOf(now.toISOString());
    if (month > monthOf(now.toISOString()))
      throw new AppError('VALIDATION_FAILED', [{ path: 'query.month', code: 'future' }]);
    return { body: reportOf(month, await ports().ofMonth(month), now) };
  },
});
