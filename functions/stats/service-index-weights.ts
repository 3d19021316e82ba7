/**
 * The live service index: its groups, their points, and which of the portal's counters measure each
 * indicator — the one place to change them.
 *
 * Decision 766/QĐ-TTg (23 June 2022), "Bộ chỉ số chỉ đạo, điều hành và đánh giá chất lượng phục vụ
 * người dân, doanh nghiệp trong thực hiện thủ tục hành chính, dịch vụ công theo thời gian thực trên môi
 * trường điện tử", scores each ministry, province and commune out of 100 points in six groups:
 * công khai, minh bạch (18), tiến độ giải quyết (20), dịch vụ công trực tuyến (12), thanh toán trực
 * tuyến (10), mức độ hài lòng (18) and số hóa hồ sơ (22). The group maxima below are the Decision's.
 *
 * The indicators inside each group are the portal's: the Decision's own sub-indicators also draw on
 * systems the portal does not see (the national procedure database, ministries' own case-handling
 * systems, the electronic one-stop systems of provinces), so each group is measured here by what the
 * portal itself records, and the points within a group are split by the portal. Indicators marked
 * `approximate` say how they fall short of what the Decision measures.
 *
 * Scoring: an indicator earns `points × rate`; one with nothing to measure in the period (no dossier
 * received, no rating…) is left out and the agency's score is its points over the points it could
 * earn, scaled to 100, so an agency is not rewarded or punished for work it had none of.
 */
import type { Counts } from './counters.js';

export const GROUP_IDS = [
  'transparency',
  'progress',
  'online',
  'payment',
  'satisfaction',
  'digitisation',
] as const;
export type GroupId = (typeof GROUP_IDS)[number];

export interface IndexGroup {
  id: GroupId;
  name: string;
  nameEn: string;
  /** The group's maximum in Decision 766/QĐ-TTg. */
  maxPoints: number;
}

export const GROUPS: readonly IndexGroup[] = [
  { id: 'transparency', name: 'Công khai, minh bạch', nameEn: 'Transparency', maxPoints: 18 },
  { id: 'progress', name: 'Tiến độ giải quyết', nameEn: 'Progress of handling', maxPoints: 20 },
  { id: 'online', name: 'Dịch vụ công trực tuyến', nameEn: 'Online public services', maxPoints: 12 },
  { id: 'payment', name: 'Thanh toán trực tuyến', nameEn: 'Online payment', maxPoints: 10 },
  { id: 'satisfaction', name: 'Mức độ hài lòng', nameEn: 'Satisfaction', maxPoints: 18 },
  { id: 'digitisation', name: 'Số hóa hồ sơ', nameEn: 'Digitisation', maxPoints: 22 },
];

export interface IndexIndicator {
  id: string;
  group: GroupId;
  name: string;
  nameEn: string;
  /** Its share of the group's points (the indicators of a group add up to the group's maximum). */
  maxPoints: number;
  /** What counts for it, and out of what; null when there is nothing to measure. */
  part: (c: Counts) => number;
  whole: (c: Counts) => number;
  /** How the portal's measure differs from the Decision's, when it does. */
  approximate?: string;
}

export const INDICATORS: readonly IndexIndicator[] = [
  {
    id: 'acknowledgedOnTime',
    group: 'transparency',
    name: 'Tiếp nhận, xác nhận hồ sơ trong 8 giờ làm việc',
    nameEn: 'Dossiers acknowledged within 8 working hours',
    maxPoints: 18,
    part: (c) => c.acknowledgedOnTime,
    whole: (c) => c.acknowledged,
    approximate:
      'Decision 766 scores publishing procedures and each dossier’s progress; every dossier filed through the portal is tracked publicly by construction, so the portal measures the part the agency controls: acknowledging receipt (its first act on the dossier) within the 8 working hours of the reception step, counted in the month it acted.',
  },
  {
    id: 'onTime',
    group: 'progress',
    name: 'Hồ sơ giải quyết đúng hạn',
    nameEn: 'Dossiers decided on time',
    maxPoints: 20,
    part: (c) => c.completedOnTime,
    whole: (c) => c.completed,
  },
  {
    id: 'online',
    group: 'online',
    name: 'Hồ sơ nộp trực tuyến',
    nameEn: 'Dossiers filed online',
    maxPoints: 6,
    part: (c) => c.receivedFullyOnline + c.receivedPartlyOnline,
    whole: (c) => c.received,
    approximate:
      'Only dossiers that reach the portal are seen: those filed online by the citizen, and those a one-stop desk officer files on the portal for someone (counted as not online). Dossiers filed on paper and never entered on the portal are not counted at all.',
  },
  {
    id: 'fullyOnline',
    group: 'online',
    name: 'Hồ sơ trực tuyến toàn trình',
    nameEn: 'Dossiers filed fully online',
    maxPoints: 6,
    part: (c) => c.receivedFullyOnline,
    whole: (c) => c.received,
    approximate:
      'Fully online means the procedure is published as "toàn trình" in the catalog and the citizen filed it; partly online ("một phần") procedures count as online but not fully.',
  },
  {
    id: 'paidOnline',
    group: 'payment',
    name: 'Hồ sơ có phí, lệ phí thanh toán trực tuyến',
    nameEn: 'Dossiers with a fee paid online',
    maxPoints: 10,
    part: (c) => Math.min(c.feesPaidOnline, c.feesCharged),
    whole: (c) => c.feesCharged,
    approximate:
      'A fee is due when the dossier carries one to pay online or, for procedures paid at the desk, when the catalog’s base fee is above zero (a fee rule that comes to nothing for the case is not known). Payments count in the month paid, dossiers in the month received, so the rate is capped at 100%.',
  },
  {
    id: 'satisfied',
    group: 'satisfaction',
    name: 'Đánh giá hài lòng (4–5 sao)',
    nameEn: 'Satisfied ratings (4–5 of 5)',
    maxPoints: 12,
    part: (c) => c.satisfied,
    whole: (c) => c.ratings,
    approximate:
      'From the ratings citizens give on the portal after a decision, not from a survey of every user.',
  },
  {
    id: 'petitionsOnTime',
    group: 'satisfaction',
    name: 'Phản ánh, kiến nghị trả lời đúng hạn',
    nameEn: 'Petitions answered on time',
    maxPoints: 6,
    part: (c) => c.petitionsAnsweredOnTime,
    whole: (c) => c.petitionsAnswered,
  },
  {
    id: 'electronicResults',
    group: 'digitisation',
    name: 'Kết quả giải quyết cấp điện tử',
    nameEn: 'Results issued electronically',
    maxPoints: 12,
    part: (c) => c.resultsElectronic,
    whole: (c) => c.resultsIssued,
  },
  {
    id: 'documentsReused',
    group: 'digitisation',
    name: 'Giấy tờ dùng lại, không yêu cầu nộp lại',
    nameEn: 'Documents reused rather than asked again',
    maxPoints: 10,
    part: (c) => c.documentsReused,
    whole: (c) => c.documentsReused + c.documentsAskedTwice,
    approximate:
      'Decision 766 scores digitising dossiers and reusing digitised data; the portal counts scans reused from earlier dossiers or held results against fresh uploads of a type the citizen already held as a valid result (data asked twice). Digitisation done in agencies’ own systems is not seen.',
  },
];
