/** Support items as stored, parsed by kind; an item that does not match is an internal error (core/items.ts). */
import * as z from 'zod';
import { ticketStatus } from '../../schemas/ticket-status.js';
import { itemParser, present } from '../core/items.js';
import type { TicketEvent, TicketRecord } from './model.js';

const text = z.string();
const count = z.number().int().nonnegative();

export const parseTicket = itemParser<TicketRecord>('supportTicket', {
  code: text,
  ownerSub: present(text),
  supportDesk: present(z.boolean()),
  status: ticketStatus,
  version: present(count),
  lastSeq: present(count),
  createdAt: present(text),
  updatedAt: present(text),
});

export const parseTicketEvent = itemParser<TicketEvent>('supportEvent', {
  seq: count,
  status: ticketStatus,
  at: present(text),
});
