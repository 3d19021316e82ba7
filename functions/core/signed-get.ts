/**
 * What an agency signs on a GET, which has no body: the method and the path (with `?` and the query
 * string as sent, when there is one), e.g. `GET /v1/agency/dossiers/BHXHHN-261122-0001/attachments/01K…`.
 * The signature then names the file asked for; webhook-id and webhook-timestamp bind it in time as usual.
 * (Its own module: every function's HTTP layer uses it without loading the webhook library.)
 */
export const signedGetContent = (pathAndQuery: string) => `GET ${pathAndQuery}`;
