/**
 * The agency API's file route, on its own: the dispatcher links deliveries to it without building the
 * agency API's schemas.
 */

/** The route agencies fetch a dossier's file by; deliveries link to it (`href`). */
export const AGENCY_ATTACHMENT_PATH = '/v1/agency/dossiers/{code}/attachments/{attachmentId}';
