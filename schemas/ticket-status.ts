/**
 * A support ticket's status, on its own: the table's ticket reader checks it without building the support
 * API's schemas.
 */
import * as z from 'zod';

export const ticketStatus = z
  .enum(['open', 'answered', 'awaiting_citizen', 'with_agency', 'closed'])
  .meta({ id: 'SupportTicketStatus' });
