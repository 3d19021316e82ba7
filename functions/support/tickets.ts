/**
 * The online support desk (hỗ trợ trực tuyến, tổng đài). A citizen or business asks about a procedure
 * (the support desk of the named province, or the national one, answers) or about one of their dossiers
 * (it goes straight to the agency handling it, and only they and that agency see it). Support agents
 * answer, ask for more, hand a ticket to the agency responsible or close it; the agency answers by
 * signed callback as it answers petitions. Every state change writes the ticket (conditional on the
 * version read), its timeline events and — when it goes to an agency — the outbox item that delivers it,
 * in one transaction (TicketPorts.commit).
 */
import { ulid } from 'ulidx';
import type * as z from 'zod';
import type {
  askerAction,
  askRequest,
  phoneTicketRequest,
  SupportAgencyEvent,
  SupportEventResult,
  supportAction,
  ticketRatingRequest,
} from '../../schemas/support.js';
import type { Person } from '../core/auth.js';
import { AppError } from '../core/errors.js';
import { SUPPORT } from '../core/resources.js';
import { checkAttachments } from '../documents/attachments.js';
import { replay, requestHashOf } from '../dossiers/idempotency.js';
import { outboxWebhookId, queueMessageOf } from '../dossiers/messages.js';
import { routePetition } from '../petitions/routing.js';
import { type Agency, findAgency, findProvince } from '../registry/agencies.js';
import { dueInForce, quietCloseAt, ticketDeadlines } from './clock.js';
import type { TicketActor, TicketEvent, TicketRecord, TicketStatus } from './model.js';
import type {
  CreateTicketInput,
  CreateTicketPorts,
  QuietTicketPorts,
  SupportEventPorts,
  TicketCreated,
  TicketPorts,
  TicketWrite,
} from './ports.js';
import { SUPPORT_DOCUMENTS } from './ports.js';

/** The state machine: which step is allowed from which state, and by whom. */
const STEPS: Record<
  Exclude<TicketEventType, 'support.asked' | 'support.rated' | 'support.faq_published'>,
  { to: TicketStatus; from: readonly TicketStatus[]; by: TicketActor }
> = {
  'support.answered': { to: 'answered', from: ['open'], by: 'support' },
  'support.more_requested': { to: 'awaiting_citizen', from: ['open'], by: 'support' },
  'support.handed': { to: 'with_agency', from: ['open'], by: 'support' },
  'support.closed': { to: 'closed', from: ['open', 'answered', 'awaiting_citizen'], by: 'support' },
  'support.replied': { to: 'open', from: ['awaiting_citizen'], by: 'citizen' },
  'support.reopened': { to: 'open', from: ['answered', 'closed'], by: 'citizen' },
  'support.returned': { to: 'open', from: ['with_agency'], by: 'agency' },
};
type TicketEventType = TicketEvent['type'];

export function decideTicket(current: TicketStatus, step: keyof typeof STEPS): TicketStatus | undefined {
  const rule = STEPS[step];
  return rule.from.includes(current) ? rule.to : undefined;
}

const requestHash = requestHashOf;

const isPhoneCall = (input: CreateTicketInput): input is z.output<typeof phoneTicketRequest> =>
  'caller' in input;

/** One outbox message handing the ticket to `agency`. */
export function supportOutbox(outboxId: string, code: string, agency: Pick<Agency, 'id' | 'channel'>) {
  return {
    id: outboxId,
    messages: [
      queueMessageOf({
        type: 'support.handed',
        ticketCode: code,
        agencyId: agency.id,
        channel: agency.channel,
        webhookId: outboxWebhookId(outboxId, code),
      }),
    ],
  };
}

function checkTarget(input: { procedureCode?: string; provinceCode?: string }) {
  if (input.procedureCode) routePetition({ procedureCode: input.procedureCode });
  if (input.provinceCode && !findProvince(input.provinceCode))
    throw new AppError('VALIDATION_FAILED', [
      { path: 'body.provinceCode', code: 'unknown_province', message: 'no such province' },
    ]);
}

/**
 * A question asked on the web (citizen, business) or a phone call logged by a support agent. Only the
 * asker's own dossiers may be asked about (anyone else's is 404, as a missing one).
 */
export async function createTicket(
  ports: CreateTicketPorts,
  person: Pick<Person, 'sub' | 'role' | 'taxCode' | 'provinceCode'>,
  idempotencyKey: string,
  input: CreateTicketInput,
): Promise<{ status: 201; body: TicketCreated }> {
  const phone = isPhoneCall(input);
  if (phone !== (person.role === 'support_agent')) {
    // Agents log calls (with the caller's number); askers ask for themselves (with no caller).
    throw new AppError('VALIDATION_FAILED', [
      {
        path: 'body.caller',
        code: phone ? 'agents_only' : 'required',
        message: phone ? 'only support agents log phone calls' : 'a logged phone call names its caller',
      },
    ]);
  }
  const hash = requestHash(input);
  const earlier = await replay(ports, person.sub, idempotencyKey, hash);
  if (earlier) return { status: 201, body: earlier };
  checkTarget(input);

  const web = phone ? undefined : (input as z.output<typeof askRequest>);
  let agency: Agency | undefined;
  if (web?.dossierCode) {
    const d = await ports.dossierOwnership(web.dossierCode);
    const mine =
      d &&
      (d.ownerSub === person.sub ||
        (person.role === 'business' && !!person.taxCode && d.enterpriseTaxCode === person.taxCode));
    if (!mine || !d.agencyId) throw new AppError('DOSSIER_NOT_FOUND', [{ path: 'body.dossierCode' }]);
    agency = findAgency(d.agencyId);
    if (!agency) throw new AppError('DOSSIER_NOT_FOUND', [{ path: 'body.dossierCode' }]);
  }
  const accepted = web
    ? await checkAttachments(
        ports,
        SUPPORT_DOCUMENTS,
        person.sub,
        web.attachments.map((a) => ({ documentType: 'evidence', uploadId: a.uploadId })),
        { required: [] },
      )
    : [];
  const now = ports.now();
  const at = now.toISOString();
  const code = await ports.codes.next(SUPPORT.codePrefix, now);
  const deadlines = ticketDeadlines(now);
  const attachments = accepted.map(({ upload, documentType }) => ({
    documentType,
    uploadId: upload.uploadId,
    fileName: upload.fileName,
    contentType: upload.contentType,
    size: upload.size,
    key: `support/${code}/${upload.uploadId}`,
  }));
  for (const [i, a] of attachments.entries()) await ports.copyObject(accepted[i]!.upload.key, a.key);
  // An agent logging a call files it for the desk of their own province unless the caller names another.
  const provinceCode = input.provinceCode ?? (phone ? person.provinceCode : undefined);
  const status: TicketStatus = agency ? 'with_agency' : 'open';
  const ticket: TicketRecord = {
    code,
    // A caller has no account here: the ticket is the call's own, followed by SMS and by the desk.
    ownerSub: phone ? `caller:${code}` : person.sub,
    ...(person.role === 'business' && person.taxCode ? { enterpriseTaxCode: person.taxCode } : {}),
    ...(phone ? { filedBy: { sub: person.sub, role: 'support_agent' as const } } : {}),
    ...(agency ? { agencyId: agency.id } : {}),
    ...(provinceCode ? { provinceCode } : {}),
    supportDesk: !agency,
    channel: phone ? 'phone' : 'web',
    ...(phone ? { callerPhoneSealed: await ports.sealCallerPhone(code, input.caller.phone) } : {}),
    ...(phone && input.caller.name ? { callerName: input.caller.name } : {}),
    subject: input.subject,
    question: input.question,
    ...(input.procedureCode ? { procedureCode: input.procedureCode } : {}),
    ...(web?.dossierCode ? { dossierCode: web.dossierCode } : {}),
    attachments,
    status,
    version: 1,
    lastSeq: agency ? 2 : 1,
    createdAt: at,
    updatedAt: at,
    ...deadlines,
    reopens: 0,
  };
  ticket.dueInForce = dueInForce(ticket);
  const events: TicketEvent[] = [
    { seq: 1, type: 'support.asked', status: 'open', at, by: phone ? 'support' : 'citizen' },
  ];
  if (agency) events.push({ seq: 2, type: 'support.handed', status, at, by: 'system', agencyId: agency.id });
  const response: TicketCreated = {
    code,
    status,
    channel: ticket.channel,
    ...deadlines,
    ...(agency ? { agencyId: agency.id } : {}),
  };
  const outcome = await ports.commit({
    ticket,
    events,
    ...(agency ? { outbox: supportOutbox(ulid(now.getTime()), code, agency) } : {}),
    idempotency: { ownerSub: person.sub, key: idempotencyKey, requestHash: hash, response },
    uploadClaims: accepted.map(({ upload }) => ({ uploadId: upload.uploadId, ticketCode: code })),
  });
  if (outcome === 'committed') return { status: 201, body: response };
  await ports.deleteObjects(attachments.map((a) => a.key));
  if (outcome === 'upload-taken') throw new AppError('UPLOAD_ALREADY_USED', [{ path: 'attachments' }]);
  const winner = await replay(ports, person.sub, idempotencyKey, hash);
  if (!winner) throw new AppError('CONFLICT');
  return { status: 201, body: winner };
}

const MAX_ATTEMPTS = 4;

/** Loads, decides and commits one change, retrying on a concurrent change of the same ticket. */
async function change(
  ports: TicketPorts,
  code: string,
  decide: (t: TicketRecord, now: Date) => Omit<TicketWrite, 'expectedVersion'>,
): Promise<TicketRecord> {
  for (let attempt = 1; attempt <= MAX_ATTEMPTS; attempt++) {
    const t = await ports.loadTicket(code);
    if (!t) throw new AppError('TICKET_NOT_FOUND');
    const w = decide(t, ports.now());
    const outcome = await ports.commit({ ...w, expectedVersion: t.version });
    if (outcome === 'committed') return w.ticket;
    if (outcome === 'faq-taken') throw new AppError('FAQ_ALREADY_PUBLISHED');
    if (outcome !== 'version-conflict') throw new AppError('CONFLICT');
  }
  throw new AppError('CONFLICT');
}

const illegal = (t: TicketRecord, step: string) =>
  new AppError('TICKET_ILLEGAL_TRANSITION', { currentStatus: t.status, step });

/** The next version of a ticket after one event: status, clocks and the deadline in force. */
function step(
  t: TicketRecord,
  e: Omit<TicketEvent, 'seq' | 'at' | 'status'>,
  to: TicketStatus,
  now: Date,
  extra: Partial<TicketRecord> = {},
): { ticket: TicketRecord; events: TicketEvent[]; quiet?: 'set' | 'clear' } {
  const at = now.toISOString();
  const seq = t.lastSeq + 1;
  const next: TicketRecord = {
    ...t,
    ...extra,
    status: to,
    version: t.version + 1,
    lastSeq: seq,
    updatedAt: at,
  };
  // The first thing said to the asker (an answer or a request for more) ends the first-answer clock.
  if (!t.firstAnsweredAt && (e.type === 'support.answered' || e.type === 'support.more_requested')) {
    next.firstAnsweredAt = at;
    next.firstAnswerOnTime = now.getTime() <= Date.parse(t.firstAnswerDueAt);
  }
  if (to === 'closed') next.closedAt = at;
  const due = dueInForce(next);
  if (due) next.dueInForce = due;
  else delete next.dueInForce;
  // An answer starts the quiet period (a FAQ kept from it does not restart it); leaving `answered` ends it.
  if (to === 'answered')
    next.closesAt = t.status === 'answered' && t.closesAt ? t.closesAt : quietCloseAt(now);
  else delete next.closesAt;
  const quiet = next.closesAt === t.closesAt ? undefined : next.closesAt ? 'set' : 'clear';
  return { ticket: next, events: [{ ...e, seq, at, status: to }], ...(quiet ? { quiet } : {}) };
}

export type SupportActionInput = z.output<typeof supportAction>;

/** A support agent acts on a desk ticket the access rule let them reach. */
export function supportActs(
  ports: TicketPorts,
  agent: Pick<Person, 'sub'>,
  code: string,
  a: SupportActionInput,
) {
  return change(ports, code, (t, now) => {
    const kind: 'support.answered' | 'support.more_requested' | 'support.handed' | 'support.closed' =
      a.action === 'answer'
        ? 'support.answered'
        : a.action === 'ask_more'
          ? 'support.more_requested'
          : a.action === 'hand_to_agency'
            ? 'support.handed'
            : 'support.closed';
    const to = decideTicket(t.status, kind);
    if (!to) throw illegal(t, kind);
    const base = { type: kind, by: 'support' as const, source: `support:${agent.sub}` };
    switch (a.action) {
      case 'answer':
      case 'ask_more':
        return step(t, { ...base, text: a.text }, to, now);
      case 'close':
        return step(t, { ...base, ...(a.note ? { text: a.note } : {}) }, to, now);
      case 'hand_to_agency': {
        const agency = a.agencyId
          ? findAgency(a.agencyId)
          : routePetition({
              ...(t.procedureCode ? { procedureCode: t.procedureCode } : {}),
              ...(t.provinceCode ? { provinceCode: t.provinceCode } : {}),
            }).agency;
        if (!agency)
          throw new AppError('VALIDATION_FAILED', [
            { path: 'body.agencyId', code: 'unknown_agency', message: 'no such agency in the registry' },
          ]);
        const w = step(t, { ...base, agencyId: agency.id, ...(a.note ? { text: a.note } : {}) }, to, now, {
          agencyId: agency.id,
        });
        return { ...w, outbox: supportOutbox(ulid(now.getTime()), t.code, agency) };
      }
    }
  });
}

export type AskerActionInput = z.output<typeof askerAction>;

/** The asker replies to a request for more, or reopens an answer (once, and not once rated). */
export function askerActs(ports: TicketPorts, code: string, a: AskerActionInput) {
  if (a.action === 'close') return askerCloses(ports, code);
  return change(ports, code, (t, now) => {
    const kind = a.action === 'reply' ? 'support.replied' : 'support.reopened';
    const to = decideTicket(t.status, kind);
    if (!to) throw illegal(t, kind);
    if (kind === 'support.reopened') {
      if (t.reopens >= 1) throw new AppError('TICKET_ALREADY_REOPENED');
      if (t.rating) throw illegal(t, kind);
    }
    // A reopened ticket goes back to the desk that answered it (an agency's answer too, for a desk ticket).
    const reopened: Partial<TicketRecord> =
      kind === 'support.reopened'
        ? { reopens: t.reopens + 1, resolutionDueAt: ticketDeadlines(now).resolutionDueAt }
        : {};
    const target: TicketStatus = !t.supportDesk && t.agencyId ? 'with_agency' : to;
    const w = step(t, { type: kind, by: 'citizen', text: a.text }, target, now, reopened);
    if (kind === 'support.reopened') delete w.ticket.closedAt;
    // A dossier question has no desk: it goes back to the agency handling the dossier.
    if (target === 'with_agency' && t.agencyId) {
      const agency = findAgency(t.agencyId);
      if (agency) return { ...w, outbox: supportOutbox(ulid(now.getTime()), t.code, agency) };
    }
    return w;
  });
}

/** The asker closes a ticket whose answer satisfied them (the agency's answer to a dossier question). */
export function askerCloses(ports: TicketPorts, code: string) {
  return change(ports, code, (t, now) => {
    if (t.status !== 'answered' && t.status !== 'awaiting_citizen') throw illegal(t, 'support.closed');
    return step(t, { type: 'support.closed', by: 'citizen' }, 'closed', now);
  });
}

/** One rating per closed ticket (1–5 and a comment), by the asker who asked on the web. */
export function rateTicket(ports: TicketPorts, code: string, r: z.output<typeof ticketRatingRequest>) {
  return change(ports, code, (t, now) => {
    // A caller has no account to rate with: the agent records the score given on the phone.
    if (t.channel === 'phone') throw illegal(t, 'support.rated');
    return rated(t, r, now, { type: 'support.rated', by: 'citizen' });
  });
}

/**
 * A phone caller's satisfaction, asked for on the phone once the call's ticket is closed (the call-centre
 * practice) and recorded by the agent, who is named with it. One per ticket, as the asker's own.
 */
export function recordCallerRating(
  ports: TicketPorts,
  agent: Pick<Person, 'sub'>,
  code: string,
  r: z.output<typeof ticketRatingRequest>,
) {
  return change(ports, code, (t, now) => {
    // A question asked on the web is its asker's to rate: the ticket is reached, the step is not allowed.
    if (t.channel !== 'phone') throw illegal(t, 'support.caller_rated');
    return rated(
      t,
      r,
      now,
      { type: 'support.rated', by: 'support', source: `support:${agent.sub}` },
      {
        sub: agent.sub,
        role: 'support_agent',
      },
    );
  });
}

function rated(
  t: TicketRecord,
  r: z.output<typeof ticketRatingRequest>,
  now: Date,
  e: Omit<TicketEvent, 'seq' | 'at' | 'status'>,
  recordedBy?: { sub: string; role: 'support_agent' },
) {
  if (t.rating) throw new AppError('TICKET_ALREADY_RATED');
  if (t.status !== 'closed') throw illegal(t, 'support.rated');
  const at = now.toISOString();
  return step(t, e, 'closed', now, {
    rating: {
      score: r.score,
      ...(r.comment ? { comment: r.comment } : {}),
      at,
      ...(recordedBy ? { recordedBy } : {}),
    },
    closedAt: t.closedAt ?? at,
  });
}

/**
 * The support watcher's run: every answered ticket whose quiet period lapsed by `now` with no word from
 * its asker closes itself (by `system`); the asker is told, as of every closing, that they may still rate
 * it (functions/notifications/support-notice.ts). A ticket the asker acted on meanwhile is left alone.
 */
export async function closeQuietTickets(
  ports: QuietTicketPorts,
  now: Date,
): Promise<{ closed: number; skipped: number }> {
  let closed = 0;
  let skipped = 0;
  for (const code of await ports.listQuiet(now.toISOString())) {
    try {
      await change(ports, code, (t) => {
        if (t.status !== 'answered' || !t.closesAt || Date.parse(t.closesAt) > now.getTime())
          throw illegal(t, 'support.closed');
        return step(t, { type: 'support.closed', by: 'system', source: 'support:quiet' }, 'closed', now);
      });
      closed += 1;
    } catch (err) {
      // Reopened, replied to or closed since it was listed: nothing to do; anything else is a fault.
      if (!(err instanceof AppError)) throw err;
      skipped += 1;
    }
  }
  return { closed, skipped };
}

/**
 * An agency reports on a ticket handed to it: only the agency it is with may act (others 404); the event
 * id makes replays answer as the first delivery did.
 */
export async function handleSupportEvent(
  ports: SupportEventPorts,
  agencyId: string,
  event: SupportAgencyEvent,
): Promise<SupportEventResult> {
  const replayOf = async () => {
    const recorded = await ports.findRecorded(agencyId, event.eventId);
    return recorded ? { ...recorded, applied: false, reason: 'replay' as const } : undefined;
  };
  const earlier = await replayOf();
  if (earlier) return earlier;
  for (let attempt = 1; attempt <= MAX_ATTEMPTS; attempt++) {
    const t = await ports.loadTicket(event.ticketCode);
    if (!t || t.agencyId !== agencyId || t.status !== 'with_agency') {
      if (t && t.agencyId === agencyId) throw illegal(t, event.type);
      throw new AppError('TICKET_NOT_FOUND');
    }
    const now = ports.now();
    const source = `${agencyId}:${event.eventId}`;
    let w: { ticket: TicketRecord; events: TicketEvent[] };
    if (event.type === 'support.answered') {
      w = step(
        t,
        { type: 'support.answered', by: 'agency', agencyId, source, text: event.answer },
        'answered',
        now,
      );
    } else {
      // A dossier question has no desk to go back to.
      if (!t.supportDesk) throw illegal(t, event.type);
      w = step(
        t,
        { type: 'support.returned', by: 'agency', agencyId, source, text: event.reason },
        'open',
        now,
      );
      delete w.ticket.agencyId;
    }
    const result: SupportEventResult = {
      eventId: event.eventId,
      ticketCode: t.code,
      applied: true,
      status: w.ticket.status,
      reason: 'applied',
    };
    const outcome = await ports.commit({
      ...w,
      expectedVersion: t.version,
      agencyRecord: { agencyId, result },
    });
    if (outcome === 'committed') return result;
    if (outcome === 'already-recorded') {
      const again = await replayOf();
      if (again) return again;
    }
  }
  throw new AppError('CONFLICT');
}

const FAQ_QUESTION_MAX = 500;
const FAQ_ANSWER_MAX = 5000;

/** The FAQ id of a ticket's answer: one entry per ticket. */
export const faqIdOf = (code: string) => `hoi-dap-${code.toLowerCase()}`;

/** What the asker is known by: a caller's name, or a web asker's profile, and a business's tax code. */
async function askerKnown(
  t: TicketRecord,
  knownPersonalData: (ownerSub: string) => Promise<string[]>,
): Promise<string[]> {
  return [
    ...(t.callerName ? [t.callerName] : []),
    ...(t.channel === 'web' ? await knownPersonalData(t.ownerSub) : []),
    ...(t.enterpriseTaxCode ? [t.enterpriseTaxCode] : []),
  ];
}

/**
 * A support agent keeps a ticket's answer (the last one given) as a FAQ entry of its procedure, or a
 * general one. The agent may reword question and answer; either way citizen IDs, phone numbers, e-mail
 * addresses and what the asker is known by (a caller's name; a web asker's name, address, e-mail, phone
 * and citizen ID from their profile) are masked before anything is stored, since the entry is public.
 */
export async function publishFaq(
  ports: TicketPorts & {
    loadTimeline(code: string): Promise<TicketEvent[]>;
    knownPersonalData(ownerSub: string): Promise<string[]>;
  },
  code: string,
  edit: { question?: string; answer?: string; keywords?: string[] },
  mask: (text: string, known: readonly string[]) => string,
) {
  const events = await ports.loadTimeline(code);
  const answer = events.filter((e) => e.type === 'support.answered').at(-1)?.text;
  const first = await ports.loadTicket(code);
  if (!first) throw new AppError('TICKET_NOT_FOUND');
  const known = await askerKnown(first, ports.knownPersonalData);
  const ticket = await change(ports, code, (t, now) => {
    if (t.faqId) throw new AppError('FAQ_ALREADY_PUBLISHED');
    if (!answer) throw illegal(t, 'support.faq_published');
    return faqChange(t, { ...edit, answer: edit.answer ?? answer }, (text) => mask(text, known), now);
  });
  return ticket;
}

/** The FAQ entry of a ticket's answer, with every text passed through `mask` (personal data removed). */
export function faqChange(
  t: TicketRecord,
  edit: { question?: string; answer?: string; keywords?: string[] },
  mask: (text: string) => string,
  now: Date,
) {
  const question = mask(edit.question ?? (t.question.length <= FAQ_QUESTION_MAX ? t.question : t.subject));
  const answer = mask(edit.answer ?? '');
  const problems = [
    ...(question.length > FAQ_QUESTION_MAX || question.length < 5
      ? [{ path: 'body.question', code: 'length', message: `5 to ${FAQ_QUESTION_MAX} characters: edit it` }]
      : []),
    ...(answer.length > FAQ_ANSWER_MAX || answer.length < 5
      ? [{ path: 'body.answer', code: 'length', message: `5 to ${FAQ_ANSWER_MAX} characters: edit it` }]
      : []),
  ];
  if (problems.length) throw new AppError('VALIDATION_FAILED', problems);
  const id = faqIdOf(t.code);
  const w = step(t, { type: 'support.faq_published', by: 'support' }, t.status, now, { faqId: id });
  return {
    ...w,
    faq: {
      id,
      procedureCode: t.procedureCode ?? null,
      question,
      answer,
      keywords: (edit.keywords ?? []).map((k) => mask(k)),
    },
  };
}
