/** The support desk function group: askers' tickets, the desk's queue and actions, published figures. */
import { readOwnership } from '../core/access-store.js';
import { AppError } from '../core/errors.js';
import { httpFunction, personOf } from '../core/http.js';
import { logger } from '../core/logger.js';
import { rateLimitStore } from '../core/rate-limit-store.js';
import { maskPersonalData } from '../pii/personal-data-mask.js';
import { supportRoutes } from './routes.js';
import { currentMonth, monthRange, supportFigures } from './stats.js';
import { type SupportStore, supportStore } from './store.js';
import {
  askerActs,
  createTicket,
  publishFaq,
  rateTicket,
  recordCallerRating,
  supportActs,
} from './tickets.js';
import { summaryOf, viewOf } from './views.js';

let store: SupportStore | undefined;
const ports = () => {
  store ??= supportStore();
  return store;
};

const codeOf = (req: { params: { code: string } }) => req.params.code;

/** What changed, for the answer: the ticket as the caller now sees it. */
async function viewNow(code: string) {
  const t = await ports().loadTicket(code);
  if (!t) throw new AppError('TICKET_NOT_FOUND');
  return viewOf(t, await ports().loadTimeline(code), new Date());
}

export const handler = httpFunction(
  supportRoutes,
  {
    createSupportTicket: async (req) => {
      const person = personOf(req);
      const result = await createTicket(ports(), person, req.headers['idempotency-key']!, req.body);
      // Codes and channel only: never the question, the caller's number or any identifier.
      logger.info('support ticket', { ticketCode: result.body.code, channel: result.body.channel });
      return result;
    },
    listMySupportTickets: async (req) => {
      const q = req.query;
      const page = await ports().listOwned(personOf(req).sub, q.limit, q.cursor);
      const now = new Date();
      return { body: { items: page.items.map((t) => summaryOf(t, now)), nextCursor: page.nextCursor } };
    },
    // The access rule (functions/core/access.ts) has already hidden everyone else's tickets.
    getSupportTicket: async (req) => ({ body: await viewNow(codeOf(req)) }),
    askerSupportAction: async (req) => {
      const code = codeOf(req);
      await askerActs(ports(), code, req.body);
      return { body: await viewNow(code) };
    },
    rateSupportTicket: async (req) => {
      const code = codeOf(req);
      await rateTicket(ports(), code, req.body);
      return { status: 201, body: await viewNow(code) };
    },
    recordCallerRating: async (req) => {
      const code = codeOf(req);
      await recordCallerRating(ports(), personOf(req), code, req.body);
      logger.info('caller rating recorded', { ticketCode: code });
      return { status: 201, body: await viewNow(code) };
    },
    supportQueue: async (req) => {
      const q = req.query;
      const agent = personOf(req);
      // A province's desk sees its province only; the national desk any, or all.
      if (agent.provinceCode && q.province && q.province !== agent.provinceCode)
        throw new AppError('FORBIDDEN', [{ path: 'query.province', code: 'other_province' }]);
      const province = agent.provinceCode ?? q.province;
      const now = new Date();
      const page = await ports().queue(
        {
          ...(province ? { province } : {}),
          ...(q.status ? { status: q.status } : {}),
          ...(q.overdue === 'true' ? { overdueAt: now.toISOString() } : {}),
          ...(q.overdue === 'false' ? { notOverdueAt: now.toISOString() } : {}),
        },
        q.limit,
        q.cursor,
      );
      return { body: { items: page.items.map((t) => summaryOf(t, now)), nextCursor: page.nextCursor } };
    },
    supportTicketAction: async (req) => {
      const code = codeOf(req);
      const agent = personOf(req);
      const action = req.body;
      await supportActs(ports(), agent, code, action);
      logger.info('support action', { ticketCode: code, action: action.action });
      return { body: await viewNow(code) };
    },
    publishSupportFaq: async (req) => {
      const code = codeOf(req);
      const edit = req.body;
      const t = await publishFaq(ports(), code, edit, maskPersonalData);
      return { status: 201, body: { ...(await viewNow(code)), faqId: t.faqId! } };
    },
    supportStats: async (req) => {
      const q = req.query;
      const month = q.month ?? currentMonth(new Date());
      const { from, to } = monthRange(month);
      const asked = await ports().askedBetween(from, to);
      const tickets = q.province ? asked.filter((t) => t.provinceCode === q.province) : asked;
      return {
        body: { ...supportFigures(month, tickets), ...(q.province ? { province: q.province } : {}) },
        headers: { 'cache-control': 'public, max-age=300' },
      };
    },
  },
  { ownership: readOwnership, rateLimits: rateLimitStore },
);
