/**
 * The administrative map as the portal publishes it: the 34 provinces, and each province's communes with
 * the People's Committee that receives there, so a citizen can pick where they live and see who handles it.
 */
import type * as z from 'zod';
import type { communeList, provinceView } from '../../schemas/catalog.js';
import { communesOf, findProvince, provinces } from '../registry/admin-map.js';
import { communeAgency } from '../registry/agencies.js';
import { matchesName, queryWords } from './name-match.js';

type ProvinceView = z.output<typeof provinceView>;
type CommuneList = z.output<typeof communeList>;

let views: { items: ProvinceView[] } | undefined;

export function listProvinces(): { items: ProvinceView[] } {
  views ??= {
    items: provinces.map((p) => ({
      code: p.code,
      name: p.name,
      fullName: p.fullName,
      type: p.type,
      nameEn: p.nameEn,
      communeCount: communesOf(p.code).length,
    })),
  };
  return views;
}

/** Every commune of the province in code order, optionally those whose name matches `q`; undefined for no province. */
export function provinceCommunes(provinceCode: string, q?: string): CommuneList | undefined {
  if (!findProvince(provinceCode)) return undefined;
  const words = queryWords(q);
  return {
    provinceCode,
    items: communesOf(provinceCode)
      .filter((c) => matchesName(c, () => [c.fullName, c.nameEn], words))
      .map((c) => ({
        code: c.code,
        name: c.name,
        fullName: c.fullName,
        type: c.type,
        nameEn: c.nameEn,
        agencyId: communeAgency(c.code)!.id,
      })),
  };
}
