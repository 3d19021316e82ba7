/** Petition items as stored, parsed by kind; an item that does not match is an internal error (core/items.ts). */
import { z } from 'zod';
import { petitionStatus } from '../../schemas/petition.js';
import { itemParser } from '../core/items.js';
import type { PetitionEvent, PetitionRecord } from './model.js';

const text = z.string();
const count = z.number().int().nonnegative();

export const parsePetition = itemParser<PetitionRecord>('petition', {
  code: text,
  ownerSub: text,
  agencyId: text,
  status: petitionStatus,
  version: count,
  lastSeq: count,
  submittedAt: text,
  updatedAt: text,
});

export const parsePetitionEvent = itemParser<PetitionEvent>('petitionEvent', {
  seq: count,
  agencyId: text,
  at: text,
  status: petitionStatus,
});
