/**
 * What a dossier costs. The fee always comes from the procedure, never from the client: `fee` in
 * integer VND, scaled when the procedure names a rule (`feeRule: 'per_copy'` counts the copies the form
 * asks for). Catalog fields are read defensively so the catalog can grow its fee model freely.
 */
export type PaymentPolicy = 'before_dispatch' | 'none';

/** Form fields a per-copy fee counts, in the order they are looked for. */
const COPY_FIELDS = ['copies', 'numberOfCopies', 'soBan'];

const isAmount = (n: unknown): n is number => typeof n === 'number' && Number.isInteger(n) && n >= 0;

/** The rule's name, whether the catalog stores it as a slug, `{ id }` or `{ rule }`. */
function ruleName(raw: unknown): string | undefined {
  if (typeof raw === 'string' && raw) return raw;
  if (typeof raw === 'object' && raw !== null) {
    const r = raw as { id?: unknown; rule?: unknown };
    if (typeof r.id === 'string') return r.id;
    if (typeof r.rule === 'string') return r.rule;
  }
  return undefined;
}

/** The fee in VND for this procedure and form; `fee` is the amount, or the base a named rule scales. */
export function feeFor(procedure: object, form: Record<string, unknown>): number {
  const p = procedure as { fee?: unknown; feeRule?: unknown };
  const base = p.fee ?? 0;
  if (!isAmount(base)) throw new Error('procedure fee must be a non-negative integer VND');
  switch (ruleName(p.feeRule)) {
    case 'per_copy': {
      const copies = COPY_FIELDS.map((f) => form[f]).find((v) => isAmount(v) && v > 0) as number | undefined;
      return base * (copies ?? 1);
    }
    default:
      // Fixed fees, and rules whose amount is settled elsewhere (a biller's bill): the base stands.
      return base;
  }
}
/**
 * Whether the dossier waits for payment before it goes to the agency: the procedure may say so
 * (`payment: 'before_dispatch' | 'none'`); otherwise a fully online procedure with a fee does.
 */
export function paymentPolicy(procedure: object, fee: number): PaymentPolicy {
  const p = procedure as { payment?: unknown; level?: unknown; feeRule?: unknown };
  if (fee <= 0) return 'none';
  // A bill's amount is the biller's: it is paid through the bill payment flow, not as a dossier fee.
  if (ruleName(p.feeRule) === 'electricity_bill') return 'none';
  if (p.payment === 'before_dispatch' || p.payment === 'none') return p.payment;
  return p.level === 'toan_trinh' ? 'before_dispatch' : 'none';
}
