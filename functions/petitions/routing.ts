/**
 * Where a petition goes and by when. Routing follows the first thing the petitioner named: the
 * procedure's competent agency (for a procedure decided per province, the one for the named
 * province), else the agency named, else the named province's public administration service centre
 * (its one-stop triage office), else the national triage agency. Escalation goes to the parent
 * agency in the registry; a top-level agency escalates to the national triage agency.
 */
import type * as z from 'zod';
import { resolveAgency } from '../catalog/policy.js';
import { findProcedure } from '../catalog/procedure-forms.js';
import { type petitionClockSchema, setting } from '../core/config.js';
import { AppError } from '../core/errors.js';
import { PETITIONS } from '../core/resources.js';
import { addWorkingDays, type CalendarAdjustments } from '../core/working-days.js';
import { type Agency, findAgency, findProvince, provinceDepartment } from '../registry/agencies.js';

export interface PetitionTarget {
  procedureCode?: string;
  agencyId?: string;
  provinceCode?: string;
}

export type RouteReason = 'procedure' | 'agency' | 'province' | 'national';

export function triageAgency(): Agency {
  const a = findAgency(PETITIONS.triageAgencyId);
  if (!a) throw new Error(`the agency registry lacks the triage agency ${PETITIONS.triageAgencyId}`);
  return a;
}

/** Unknown codes are the petitioner's mistake (400), never silently sent to triage. */
export function routePetition(t: PetitionTarget): { agency: Agency; reason: RouteReason } {
  const problems: { path: string; code: string; message: string }[] = [];
  const procedure = t.procedureCode ? findProcedure(t.procedureCode) : undefined;
  if (t.procedureCode && !procedure) throw new AppError('UNKNOWN_PROCEDURE', [{ path: 'procedureCode' }]);
  const named = t.agencyId ? findAgency(t.agencyId) : undefined;
  if (t.agencyId && !named)
    problems.push({ path: 'agencyId', code: 'unknown_agency', message: 'no such agency in the registry' });
  const province = t.provinceCode ? findProvince(t.provinceCode) : undefined;
  if (t.provinceCode && !province)
    problems.push({ path: 'provinceCode', code: 'unknown_province', message: 'no such province' });
  if (problems.length) throw new AppError('VALIDATION_FAILED', problems);

  const byProcedure =
    procedure &&
    resolveAgency(procedure, {
      provinceCode: t.provinceCode ?? named?.provinceCode ?? undefined,
    });
  if (byProcedure) return { agency: byProcedure, reason: 'procedure' };
  if (named) return { agency: named, reason: 'agency' };
  const triage = province && provinceDepartment('ttpvhcc', province.code);
  if (triage) return { agency: triage, reason: 'province' };
  return { agency: triageAgency(), reason: 'national' };
}

/** Where an overdue petition goes: the parent agency, or national triage above a top-level agency. */
export function escalationTarget(current: Agency): Agency {
  const parent = current.parentId ? findAgency(current.parentId) : undefined;
  return parent ?? triageAgency();
}

export type PetitionClockDays = z.output<ReturnType<typeof petitionClockSchema>>;
let configured: PetitionClockDays | undefined;

/**
 * The working days an agency has to refer and to answer a petition: PETITIONS' defaults, or what
 * operators set in CONG_PETITION_DEADLINES (e.g. {"referralWorkingDays":3,"answerWorkingDays":10}) when
 * a regulation changes. Read once per process; an invalid value stops the function loudly.
 */
export function petitionClockDays(): PetitionClockDays {
  if (!configured) {
    configured = setting('CONG_PETITION_DEADLINES') ?? {
      referralWorkingDays: PETITIONS.referralWorkingDays,
      answerWorkingDays: PETITIONS.answerWorkingDays,
    };
  }
  return configured;
}

/** Tests change the environment between runs. */
export function resetPetitionClockDays(): void {
  configured = undefined;
}

/** The clocks of an agency that receives a petition at `from`. */
export function petitionDeadlines(from: Date, cal?: CalendarAdjustments, days = petitionClockDays()) {
  return {
    referralDueAt: addWorkingDays(from, days.referralWorkingDays, cal).toISOString(),
    answerDueAt: addWorkingDays(from, days.answerWorkingDays, cal).toISOString(),
  };
}
