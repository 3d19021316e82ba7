/**
 * Realistic load through the public API: citizens filing single dossiers and paid ones (fee paid on
 * the gateway page), businesses notifying every province, parents filing the birth → residence →
 * health card bundle, and petitions to every province. What the portal accepted is recorded, so the
 * checks can ask afterwards whether each of it arrived, once.
 */
import { provinces } from '../../functions/registry/agencies.js';
import { seededRandom } from '../../lib/local/faults.js';
import { bhytForm, birthBundleForm, licenceForm, promotionNoticeForm } from '../support/forms.js';
import { pressOnGatewayPage } from '../support/payments.js';
import type { ChaosClient } from './client.js';

export type SubmissionKind = 'single' | 'paid' | 'provinces' | 'bundle';

export interface AcceptedSubmission {
  kind: SubmissionKind;
  submissionId: string;
  dossiers: { code: string; agencyId: string }[];
  paymentId?: string;
}

export interface AcceptedPetition {
  code: string;
  agencyId: string;
}

export interface Refusal {
  what: string;
  status: number;
  code?: string;
}

export interface LoadPlan {
  single: number;
  paid: number;
  provinces: number;
  bundle: number;
  petitions: number;
}

/** Dossiers each kind of submission creates. */
export const DOSSIERS_PER = { single: 1, paid: 1, provinces: 34, bundle: 3 } as const;

/**
 * A mix that files about `dossiers` dossiers: a tenth paid (at least `payments`), a tenth single, a
 * twentieth in bundles of three, the rest as notices to every province; `petitions` petitions.
 */
export function planLoad(dossiers: number, payments: number, petitions: number): LoadPlan {
  const paid = payments;
  const single = Math.max(1, Math.round(dossiers * 0.1));
  const bundle = Math.max(1, Math.round((dossiers * 0.05) / DOSSIERS_PER.bundle));
  const rest = dossiers - paid - single - bundle * DOSSIERS_PER.bundle;
  return {
    single,
    paid,
    bundle,
    provinces: Math.max(1, Math.ceil(rest / DOSSIERS_PER.provinces)),
    petitions,
  };
}

export const plannedDossiers = (p: LoadPlan) =>
  p.single + p.paid + p.provinces * DOSSIERS_PER.provinces + p.bundle * DOSSIERS_PER.bundle;

export interface LoadResult {
  submissions: AcceptedSubmission[];
  petitions: AcceptedPetition[];
  refusals: Refusal[];
  /** Submissions sent (accepted or not). */
  filed: number;
  petitionsFiled: number;
  paymentsApproved: number;
}

export interface Identities {
  citizen(n: number): Promise<string>;
  business(): Promise<string>;
}

type Task = { kind: SubmissionKind | 'petition'; n: number };

export async function runLoad(options: {
  client: ChaosClient;
  identities: Identities;
  plan: LoadPlan;
  concurrency: number;
  seed: number;
  run: string;
  onProgress?: (dossiersAccepted: number, petitionsAccepted: number) => void;
}): Promise<LoadResult> {
  const { client, identities, plan, run } = options;
  const result: LoadResult = {
    submissions: [],
    petitions: [],
    refusals: [],
    filed: 0,
    petitionsFiled: 0,
    paymentsApproved: 0,
  };
  const tasks: Task[] = [];
  for (const kind of ['single', 'paid', 'provinces', 'bundle', 'petition'] as const) {
    const count = kind === 'petition' ? plan.petitions : plan[kind];
    for (let n = 0; n < count; n++) tasks.push({ kind, n });
  }
  // Shuffled so every kind runs throughout the incident.
  const random = seededRandom(options.seed);
  for (let i = tasks.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [tasks[i], tasks[j]] = [tasks[j]!, tasks[i]!];
  }
  const provinceCodes = provinces.map((p) => p.code);
  let accepted = 0;
  const progress = () => options.onProgress?.(accepted, result.petitions.length);

  async function submit(kind: SubmissionKind, n: number) {
    const key = `chaos-${run}-${kind}-${n}`;
    const token = kind === 'provinces' ? await identities.business() : await identities.citizen(n);
    let body: Record<string, unknown>;
    if (kind === 'single') body = { procedureCode: '1.002758', form: bhytForm, attachments: [] };
    else if (kind === 'paid')
      body = {
        procedureCode: '1.002804',
        form: licenceForm,
        attachments: [
          { documentType: 'current_licence', uploadId: await client.upload(token, `licence-${n}`) },
          { documentType: 'health_certificate', uploadId: await client.upload(token, `health-${n}`) },
        ],
      };
    else if (kind === 'provinces')
      body = {
        procedureCode: '2.000033',
        form: promotionNoticeForm,
        attachments: [
          { documentType: 'promotion_notice_form', uploadId: await client.upload(token, `notice-${n}`) },
        ],
        destinations: 'all',
      };
    else
      body = {
        procedureCode: '2.000986',
        form: birthBundleForm,
        attachments: [
          { documentType: 'birth_certificate_medical', uploadId: await client.upload(token, `birth-${n}`) },
        ],
      };
    result.filed++;
    const res = await client.call('POST', '/v1/dossiers', { token, key, body });
    if (res.status !== 201) {
      result.refusals.push({ what: `submission ${kind}`, status: res.status, code: res.body?.error?.code });
      return;
    }
    const submission: AcceptedSubmission = {
      kind,
      submissionId: res.body.submissionId,
      dossiers: (res.body.dossiers as { code: string; agencyId: string }[]).map(({ code, agencyId }) => ({
        code,
        agencyId,
      })),
    };
    result.submissions.push(submission);
    accepted += submission.dossiers.length;
    progress();
    if (kind === 'paid') await pay(submission, token, `${key}-pay`);
  }

  async function pay(submission: AcceptedSubmission, token: string, key: string) {
    const code = submission.dossiers[0]!.code;
    const created = await client.call('POST', `/v1/dossiers/${code}/payments`, { token, key });
    if (created.status !== 201) {
      result.refusals.push({ what: 'payment', status: created.status, code: created.body?.error?.code });
      return;
    }
    submission.paymentId = created.body.paymentId;
    // The citizen approves on the gateway page and closes the browser: only the gateway's notice (or
    // reconciliation) tells the portal.
    for (let attempt = 1; ; attempt++) {
      try {
        await pressOnGatewayPage(created.body.redirectUrl, 'approve');
        result.paymentsApproved++;
        return;
      } catch (err) {
        if (attempt >= 5) {
          result.refusals.push({ what: `gateway page: ${(err as Error).message}`, status: 0 });
          return;
        }
      }
    }
  }

  async function petition(n: number) {
    const token = await identities.citizen(n);
    const provinceCode = provinceCodes[n % provinceCodes.length]!;
    result.petitionsFiled++;
    const res = await client.call('POST', '/v1/petitions', {
      token,
      key: `chaos-${run}-petition-${n}`,
      body: {
        subject: `Phản ánh số ${n} về thủ tục hành chính`,
        content: 'Thời gian giải quyết hồ sơ kéo dài hơn quy định, đề nghị cơ quan có thẩm quyền xem xét.',
        provinceCode,
        allowPublish: true,
      },
    });
    if (res.status !== 201) {
      result.refusals.push({ what: 'petition', status: res.status, code: res.body?.error?.code });
      return;
    }
    result.petitions.push({ code: res.body.code, agencyId: res.body.agencyId });
    progress();
  }

  let next = 0;
  await Promise.all(
    Array.from({ length: options.concurrency }, async () => {
      while (next < tasks.length) {
        const task = tasks[next++]!;
        try {
          if (task.kind === 'petition') await petition(task.n);
          else await submit(task.kind, task.n);
        } catch (err) {
          result.refusals.push({ what: `${task.kind}: ${(err as Error).message}`, status: 0 });
        }
      }
    }),
  );
  return result;
}
