/**
 * What of a petition becomes public when an agency publishes its answer: only the version the agency
 * wrote for the public, masked for personal data (functions/pii/personal-data-mask.ts) including the
 * petitioner's own name and address from their profile. The petitioner's words are never published.
 */
import type { PetitionAgencyEvent } from '../../schemas/petition.js';
import { AppError } from '../core/errors.js';
import { maskPersonalData } from '../pii/personal-data-mask.js';
import type { PublicPetition, PublicVersion } from './model.js';

type AnsweredEvent = Extract<PetitionAgencyEvent, { type: 'petition.answered' }>;

/** The agency's public version, masked; `known`: the petitioner's name, address and contacts. */
export function publicVersionOf(e: AnsweredEvent, known: readonly string[]): PublicVersion {
  const { publicSubject, publicContent, publicAnswer } = e;
  // The callback schema requires all three with `publish`; a caller that skipped it is refused too.
  if (publicSubject === undefined || publicContent === undefined || publicAnswer === undefined) {
    throw new AppError('VALIDATION_FAILED', [
      { path: 'body.publicSubject', code: 'required', message: 'the public version is required to publish' },
    ]);
  }
  return {
    subject: maskPersonalData(publicSubject, known),
    content: maskPersonalData(publicContent, known),
    answer: maskPersonalData(publicAnswer, known),
  };
}

/** A published view masked again: the safety net for answers published before masking existed. */
export function maskPublicView(view: PublicPetition): PublicPetition {
  return {
    ...view,
    subject: maskPersonalData(view.subject),
    content: maskPersonalData(view.content),
    answer: { ...view.answer, text: maskPersonalData(view.answer.text) },
  };
}
