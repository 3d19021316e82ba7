/**
 * Server errors already reported and being fixed on their own. The small in-suite run may set these
 * aside (counted, not failed) so it stays green meanwhile; `npm run fuzz` reports them like any other.
 * A finding is matched by the trick the request used (a label `materialize` gives it) and the route:
 * remove an entry when its fix is in, and the run holds the portal to it.
 */
export interface KnownFinding {
  id: string;
  what: string;
  /** The label of the request's trick (see cases.ts). */
  label: string;
  /** operationIds, or '*' for every route. */
  routes: readonly string[] | '*';
}

export const KNOWN_FINDINGS: readonly KnownFinding[] = [
  {
    id: 'forged-cursor',
    what: 'a hand-made cursor with empty keys or another partition answers 500',
    label: 'forged-cursor',
    routes: ['listMyPetitions', 'listAgencyRatings', 'listPaymentAnomalies'],
  },
  {
    id: 'ipn-non-integer-amount',
    what: 'a signed payment notification whose amount is not a whole number of đồng answers 500',
    label: 'ipn-non-integer-amount',
    routes: ['paymentCallback'],
  },
  {
    id: 'unbounded-missing-documents',
    what: "an agency's supplement request with an unbounded missingDocuments list answers 500 (record too large)",
    label: 'unbounded-missing-documents',
    routes: ['postAgencyEvent'],
  },
  // Last: a request may carry several tricks, and a route's own finding is the likelier cause.
  {
    id: 'deep-nested-json',
    what: 'a deeply nested JSON body answers 500',
    label: 'deep-body',
    routes: '*',
  },
];

/** The known finding a server error on `operationId` with these labels is, if any. */
export function knownFinding(operationId: string, labels: readonly string[]): KnownFinding | undefined {
  return KNOWN_FINDINGS.find(
    (f) => labels.includes(f.label) && (f.routes === '*' || f.routes.includes(operationId)),
  );
}
