/** Petition items as stored, parsed by kind; an item that does not match is an internal error (core/items.ts). */
import * as z from 'zod';
import { petitionStatus } from '../../schemas/petition-status.js';
import { itemParser, present } from '../core/items.js';
import type { PetitionEvent, PetitionRecord } from './model.js';

const text = z.string();
const count = z.number().int().nonnegative();

export const parsePetition = itemParser<PetitionRecord>('petition', {
  code: text,
  ownerSub: present(text),
  agencyId: present(text),
  status: petitionStatus,
  version: present(count),
  lastSeq: present(count),
  submittedAt: present(text),
  updatedAt: present(text),
});

export const parsePetitionEvent = itemParser<PetitionEvent>('petitionEvent', {
  seq: count,
  agencyId: present(text),
  at: present(text),
  status: petitionStatus,
});
