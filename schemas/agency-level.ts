/**
 * An agency's level in the administration, on its own: the dossier's rating view names it, and a module
 * that reads dossiers then builds this one enum rather than the catalog's and procedures' schemas.
 */
import * as z from 'zod';

export const agencyLevel = z.enum(['ministry', 'province', 'commune', 'public_body']);
