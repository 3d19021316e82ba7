/**
 * Agency registry (the seed for the backbone). The administrative map is data: since 1 July 2025
 * Vietnam has 34 provinces and no district tier, and a change of map is a change here, never in code.
 * `channel` names the integration endpoint (and so the SQS queue) an agency's dossiers travel through;
 * several agencies of one province may share their province's one-stop system.
 */
export interface Agency {
  id: string;
  /** Used as the prefix of dossier codes (Circular 01/2018). */
  code: string;
  name: string;
  nameEn: string;
  level: 'ministry' | 'province' | 'commune' | 'public_body';
  parentId: string | null;
  provinceCode: string | null;
  channel: string;
}

export const agencies: readonly Agency[] = [
  {
    id: 'bca',
    code: 'BCA',
    name: 'Bộ Công an',
    nameEn: 'Ministry of Public Security',
    level: 'ministry',
    parentId: null,
    provinceCode: null,
    channel: 'bca',
  },
  {
    id: 'cahn',
    code: 'CAHN',
    name: 'Công an thành phố Hà Nội',
    nameEn: 'Hanoi City Police',
    level: 'province',
    parentId: 'bca',
    provinceCode: '01',
    channel: 'bca',
  },
  {
    id: 'bhxh',
    code: 'BHXH',
    name: 'Bảo hiểm xã hội Việt Nam',
    nameEn: 'Vietnam Social Security',
    level: 'public_body',
    parentId: null,
    provinceCode: null,
    channel: 'bhxh',
  },
  {
    id: 'bhxh-hn',
    code: 'BHXHHN',
    name: 'Bảo hiểm xã hội thành phố Hà Nội',
    nameEn: 'Hanoi Social Security',
    level: 'province',
    parentId: 'bhxh',
    provinceCode: '01',
    channel: 'bhxh',
  },
];

/** Integration channels, one SQS queue (+ DLQ) each; derived so a new agency's channel cannot be forgotten. */
export const channels: readonly string[] = [...new Set(agencies.map((a) => a.channel))].sort();

const byId = new Map(agencies.map((a) => [a.id, a]));
export function findAgency(id: string): Agency | undefined {
  return byId.get(id);
}
