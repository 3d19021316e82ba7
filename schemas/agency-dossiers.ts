/** Agency officers' work list: the dossiers routed to their agency. */
import * as z from 'zod';
import { listQuery } from './common.js';
import { dossierStatus } from './dossier-status.js';
import { myDossierItem } from './me.js';

export const agencyDossiersQuery = listQuery.extend({ status: dossierStatus.optional() });

export const agencyDossierList = z
  .object({ items: z.array(myDossierItem), nextCursor: z.string().nullable() })
  .meta({ id: 'AgencyDossierList' });
