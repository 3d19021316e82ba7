/**
 * How long a sign-in on the citizen page lasts, for Cognito's web client (lib/identity.ts) and the local
 * issuer (lib/local/oidc-issuer.ts) alike.
 *
 * The page keeps its tokens in memory only, so a refresh token serves a single sitting in one tab: it
 * renews the one-hour access token while a citizen fills in a long dossier or an officer works through
 * a day's queue. Eight hours covers a working day; a refresh token taken from a shared computer or a
 * compromised page is worthless by the next morning. After a reload the page asks the issuer again with
 * prompt=none, which answers from its own sign-in session (an hour, as Cognito's managed login keeps it)
 * or sends the citizen to the sign-in button.
 */
export const WEB_SIGN_IN = {
  accessTokenSeconds: 3600,
  refreshTokenSeconds: 8 * 3600,
  issuerSessionSeconds: 3600,
} as const;
