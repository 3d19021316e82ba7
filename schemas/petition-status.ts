/**
 * A petition's status, on its own: the table's petition reader checks it without building the petition
 * API's schemas.
 */
import * as z from 'zod';

export const petitionStatus = z
  .enum(['received', 'assigned', 'answered', 'published', 'rejected', 'escalated'])
  .meta({ id: 'PetitionStatus' });
