/**
 * The procedure-policy registry: what a dossier costs and whether it waits for payment before it goes to
 * its agency, read from the typed procedure record (`fee`, `feeRule`, `level`). The catalog validator
 * checks `feeRule` against it, the catalog view shows the rule's name, and intake charges by it. The
 * fee always comes from the procedure, never from the client. Where its dossiers go is the procedure's
 * routing target: a fixed agency (`agencyId`) or a rule picking one for the applicant (`agencyRule`).
 */
import type { ProcedureRecord } from '../../schemas/procedure.js';
import {
  type Agency,
  communeAgency,
  findAgency,
  findProvince,
  provinceDepartment,
} from '../registry/agencies.js';

export type PaymentPolicy = 'before_dispatch' | 'none';

interface FeeRule {
  name: string;
  nameEn: string;
  /**
   * Who collects the amount: `dossier` (the portal, as the dossier's fee) or `biller` (the biller's own
   * bill payment flow; the dossier itself is then free to send).
   */
  collectedBy: 'dossier' | 'biller';
}

/** Named fee rules: the amount depends on the case, and the procedure's `fee` is the base shown. */
export const feeRules = {
  electricity_bill: {
    name: 'Theo hóa đơn tiền điện của kỳ thanh toán (biểu giá bán lẻ điện hiện hành)',
    nameEn: "The amount of the period's electricity bill (current retail tariff)",
    collectedBy: 'biller',
  },
  tax_declared: {
    name: 'Theo số thuế doanh nghiệp đã kê khai hoặc được thông báo',
    nameEn: 'The tax the enterprise declared or was assessed',
    collectedBy: 'dossier',
  },
  provincial_council_rate: {
    name: 'Theo nghị quyết của Hội đồng nhân dân cấp tỉnh; mức hiển thị là mức phổ biến',
    nameEn: "Set by the provincial People's Council; the amount shown is the common rate",
    collectedBy: 'dossier',
  },
} as const satisfies Record<string, FeeRule>;
export type FeeRuleId = keyof typeof feeRules;

const ruleOf = (id: string): FeeRule | undefined =>
  Object.hasOwn(feeRules, id) ? feeRules[id as FeeRuleId] : undefined;

/** The rule as the catalog shows it (id and names), or undefined when the registry has no such rule. */
export function findFeeRule(id: string): { id: string; name: string; nameEn: string } | undefined {
  const rule = ruleOf(id);
  return rule && { id, name: rule.name, nameEn: rule.nameEn };
}

/**
 * The fee in integer VND. Every rule's amount is settled outside the form (a tariff, a declaration, a
 * provincial rate), so the procedure's `fee` stands. Checked again here because the bundled catalog is
 * loaded without re-validation.
 */
export function feeFor(procedure: Pick<ProcedureRecord, 'fee'>): number {
  const { fee } = procedure;
  if (!Number.isInteger(fee) || fee < 0) throw new Error('procedure fee must be a non-negative integer VND');
  return fee;
}

/** A fully online procedure with a fee collected as the dossier's waits for payment; others do not. */
export function paymentPolicy(
  procedure: Pick<ProcedureRecord, 'level' | 'feeRule'>,
  fee: number,
): PaymentPolicy {
  if (fee <= 0) return 'none';
  // A bill's amount is the biller's: it is paid through the bill payment flow, not as a dossier fee.
  if (procedure.feeRule && ruleOf(procedure.feeRule)?.collectedBy === 'biller') return 'none';
  return procedure.level === 'toan_trinh' ? 'before_dispatch' : 'none';
}

/** A procedure's routing target: exactly one of the two is set (the record schema checks it). */
type Routing = Pick<ProcedureRecord, 'agencyId' | 'agencyRule'>;

/** Whether an applicant of this province can use the procedure (fixed agencies elsewhere cannot). */
export function servesProvince(p: Routing, provinceCode: string): boolean {
  if (p.agencyRule) return true;
  const a = findAgency(p.agencyId!);
  return !a?.provinceCode || a.provinceCode === provinceCode;
}

/** Whether dossiers of the procedure can land at this agency. */
export function handledBy(p: Routing, a: Agency): boolean {
  if (p.agencyId) return p.agencyId === a.id;
  const rule = p.agencyRule!;
  if (rule.kind === 'province_department') return a.level !== 'commune' && a.kind === rule.department;
  return a.level === 'commune' || a.kind === 'ttpvhcc';
}

/**
 * The agency that handles a dossier: the procedure's own, or the one its rule picks for the applicant's
 * province (and commune, when the registry knows it; otherwise the province's service centre).
 */
export function resolveAgency(
  procedure: Routing,
  where: { provinceCode?: string; communeCode?: string } = {},
): Agency | undefined {
  if (procedure.agencyId) return findAgency(procedure.agencyId);
  const rule = procedure.agencyRule;
  if (!rule || !where.provinceCode || !findProvince(where.provinceCode)) return undefined;
  if (rule.kind === 'province_department') return provinceDepartment(rule.department, where.provinceCode);
  const commune = where.communeCode ? communeAgency(where.communeCode) : undefined;
  if (commune && commune.provinceCode === where.provinceCode) return commune;
  return provinceDepartment('ttpvhcc', where.provinceCode);
}
