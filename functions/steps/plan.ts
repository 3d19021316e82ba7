/**
 * A dossier's processing as a sequence of steps, each with its own budget: the acknowledgement
 * (8 working hours, Decree 45/2020), then the procedure's published steps from the catalog (working
 * days each), or — for a procedure the catalog holds no steps for — a default sequence of handling,
 * signing and returning the result that fills the procedure's processing time.
 */
import type * as z from 'zod';
import type { plannedStep } from '../../schemas/steps.js';
import { procedureRecord, procedureRecordVersion } from '../catalog/lookup.js';
import type { DossierRecord } from '../core/dossier.js';
import { SLA } from '../core/resources.js';
import { addWorkingDays, addWorkingHours, workingDaysBetween } from '../core/working-days.js';

export type PlannedStep = z.infer<typeof plannedStep>;
export type StepBudget = PlannedStep['budget'];

/** Hours in an office day (8:00–12:00, 13:00–17:00): a half-day budget is counted in hours. */
const HOURS_PER_DAY = 8;

export const RECEPTION: PlannedStep = {
  id: 'reception',
  name: 'Tiếp nhận hồ sơ',
  nameEn: 'Reception and acknowledgement',
  budget: { unit: 'working_hours', amount: SLA.ackWorkingHours },
};

/** English names of the step names the catalog publishes (Vietnamese only). */
const ENGLISH: Record<string, string> = {
  'Cấp Giấy chứng nhận đăng ký hộ kinh doanh': 'Issuing the household business registration certificate',
  'Cấp giấy phép lái xe quốc tế': 'Issuing the international driving permit',
  'Cấp thẻ BHYT (Bảo hiểm xã hội)': 'Issuing the health insurance card (Social Insurance)',
  'In và trả giấy phép lái xe': 'Printing and returning the driving licence',
  'In và trả thẻ': 'Printing and returning the card',
  'Kiểm tra hồ sơ điện tử trên eCoSys': 'Checking the electronic file on eCoSys',
  'Kiểm tra, ghi sổ hộ tịch và cấp giấy khai sinh':
    'Checking, entering in the civil status register and issuing the birth certificate',
  'Kiểm tra, ghi sổ hộ tịch và cấp trích lục khai tử':
    'Checking, entering in the civil status register and issuing the death extract',
  'Kiểm tra, nghiệm thu đóng điện': 'Inspection and acceptance before energising',
  'Ký hợp đồng mua bán điện': 'Signing the electricity sale contract',
  'Ký hợp đồng, lắp công tơ, đóng điện': 'Signing the contract, installing the meter, energising',
  'Ký, cấp C/O': 'Signing and issuing the C/O',
  'Nhận dữ liệu khai sinh, cấp mã số BHXH và thẻ':
    'Receiving the birth data, issuing the social insurance number and card',
  'Phê duyệt và cấp giấy phép': 'Approving and issuing the permit',
  'Thẩm định hồ sơ, kiểm tra thực địa': 'Appraising the dossier, site inspection',
  'Thẩm định thể lệ': 'Appraising the rules',
  'Thỏa thuận đấu nối': 'Connection agreement',
  'Tiếp nhận thông báo và cấp phiếu xác nhận': 'Receiving the notice and issuing the confirmation',
  'Tiếp nhận tờ khai TK1-TS': 'Receiving the TK1-TS declaration',
  'Tiếp nhận yêu cầu, khảo sát': 'Receiving the request, survey',
  'Tiếp nhận, kiểm tra hồ sơ': 'Receiving and checking the dossier',
  'Văn bản xác nhận': 'Letter of confirmation',
  'Xác minh dữ liệu giấy phép lái xe': 'Verifying the driving licence data',
  'Xác minh, cập nhật Cơ sở dữ liệu về cư trú': 'Verifying and updating the residence database',
  'Đăng ký khai sinh (UBND cấp xã)': "Birth registration (commune People's Committee)",
  'Đăng ký thường trú (Công an cấp xã)': 'Permanent residence registration (commune police)',
  'Đối chiếu giấy nộp tiền với kho bạc': 'Reconciling the payment slip with the State Treasury',
  'Đối soát và xác nhận thanh toán': 'Reconciling and confirming the payment',
};

const days = (amount: number): StepBudget => ({ unit: 'working_days', amount });
const hours = (amount: number): StepBudget => ({ unit: 'working_hours', amount });

/**
 * The default sequence when the catalog publishes no steps: handling takes the processing time but for
 * one day, which signing and returning the result share (half a day each); a one-day procedure splits
 * its day 4 + 2 + 2 working hours.
 */
export function defaultSteps(processingDays: number): PlannedStep[] {
  const handling = processingDays > 1 ? days(processingDays - 1) : hours(HOURS_PER_DAY / 2);
  const rest = processingDays > 1 ? hours(HOURS_PER_DAY / 2) : hours(HOURS_PER_DAY / 4);
  return [
    { id: 'handling', name: 'Xử lý, thẩm định hồ sơ', nameEn: 'Handling and appraisal', budget: handling },
    { id: 'signing', name: 'Trình ký, phê duyệt', nameEn: 'Submission for signature', budget: rest },
    { id: 'returning', name: 'Trả kết quả', nameEn: 'Returning the result', budget: rest },
  ];
}

/** The plan of a dossier: reception, then the procedure's steps as published in its version. */
export function planOf(
  d: Pick<DossierRecord, 'procedureCode' | 'procedureVersion' | 'submittedAt' | 'dueAt'>,
): {
  steps: PlannedStep[];
  source: 'catalog' | 'default';
} {
  const procedure =
    procedureRecordVersion(d.procedureCode, d.procedureVersion) ?? procedureRecord(d.procedureCode);
  const published = procedure?.steps ?? [];
  if (published.length) {
    return {
      source: 'catalog',
      steps: [
        RECEPTION,
        ...published.map((s, i) => ({
          id: `step-${i + 1}`,
          name: s.name,
          nameEn: ENGLISH[s.name] ?? `Step ${i + 1}`,
          budget: days(s.days),
        })),
      ],
    };
  }
  const processingDays =
    procedure?.processingDays ?? Math.max(1, workingDaysBetween(new Date(d.submittedAt), new Date(d.dueAt)));
  return { source: 'default', steps: [RECEPTION, ...defaultSteps(processingDays)] };
}

/** When a budget started at `from` runs out: whole days close at 17:00, half days count office hours. */
export function addBudget(from: Date, budget: StepBudget): Date {
  if (budget.unit === 'working_hours') return addWorkingHours(from, budget.amount);
  if (Number.isInteger(budget.amount)) return addWorkingDays(from, budget.amount);
  return addWorkingHours(from, budget.amount * HOURS_PER_DAY);
}
