/**
 * A dossier's status, on its own: the table's item readers check it, and a module that reads dossiers then
 * builds this one enum rather than every dossier schema of the API.
 */
import * as z from 'zod';

export const dossierStatus = z.enum([
  'submitted',
  'received',
  'in_progress',
  'supplement_requested',
  'supplemented',
  'approved',
  'rejected',
  'result_issued',
  'completed',
  'withdrawn',
]);
export type DossierStatus = z.infer<typeof dossierStatus>;
