import { describe, expect, it } from 'vitest';
import { resolveAgency } from '../../functions/catalog/policy.js';
import { allCommunes, communesOf, provinces } from '../../functions/registry/admin-map.js';
import {
  allAgencies,
  channels,
  communeAgency,
  findAgency,
  findAgencyByCode,
  findProvince,
  provinceDepartment,
} from '../../functions/registry/agencies.js';
import power from '../../functions/registry/data/power-corporations.json' with { type: 'json' };

const communeRule = { agencyId: null, agencyRule: { kind: 'commune' as const } };

describe('the agency registry on the administrative map', () => {
  it("has one People's Committee per commune, in its province's channel under its province's committee", () => {
    const committees = allAgencies().filter((a) => a.level === 'commune');
    expect(committees).toHaveLength(3321);
    // Made on first use, yet one object per commune whichever way it is reached.
    for (const a of committees) expect(findAgency(a.id)).toBe(a);
    expect(allAgencies()).toHaveLength(3321 + 13 + 34 * 12);
    for (const c of allCommunes()) {
      const a = communeAgency(c.code)!;
      expect(a, c.code).toMatchObject({
        id: `xa-${c.code}`,
        code: `UBX${c.code}`,
        level: 'commune',
        kind: 'ubnd',
        parentId: `ubnd-${c.provinceCode}`,
        provinceCode: c.provinceCode,
        channel: `p${c.provinceCode}`,
      });
      expect(findAgency(a.id)).toBe(a);
      expect(findAgencyByCode(a.code)).toBe(a);
      expect(channels).toContain(a.channel);
    }
    expect(new Set(allAgencies().map((a) => a.id)).size).toBe(allAgencies().length);
  });

  it('names each committee after its commune and its kind of unit', () => {
    expect(findAgency('xa-00070')).toMatchObject({
      name: 'Ủy ban nhân dân phường Hoàn Kiếm',
      nameEn: "Hoan Kiem Ward People's Committee",
    });
    expect(findAgency('xa-00376')).toMatchObject({
      name: 'Ủy ban nhân dân xã Sóc Sơn',
      nameEn: "Soc Son Commune People's Committee",
    });
    expect(findAgencyByCode('ubx31078')).toMatchObject({
      name: 'Ủy ban nhân dân đặc khu Phú Quốc',
      nameEn: "Phu Quoc Special Zone People's Committee",
      provinceCode: '91',
    });
  });

  it('finds nothing for codes that are not on the map', () => {
    for (const code of ['26734', '31117', '99999', '0007', 'constructor', ''])
      expect(communeAgency(code), code).toBeUndefined();
    expect(findAgency('xa-26734')).toBeUndefined();
    expect(findAgency('xa-')).toBeUndefined();
    expect(findAgencyByCode('UBX99999')).toBeUndefined();
  });

  it('keeps the ids and codes dossiers were issued under', () => {
    expect(findAgency('cahn')).toMatchObject({ code: 'CAHN', provinceCode: '01', channel: 'bca' });
    expect(findAgencyByCode('BHXHHN')?.id).toBe('bhxh-hn');
    expect(findAgency('stp-01')).toMatchObject({ code: 'STP01', channel: 'p01' });
    expect(findAgency('ubnd-01')).toMatchObject({ name: 'Ủy ban nhân dân thành phố Hà Nội', parentId: null });
    expect(provinceDepartment('ubnd', '01')?.id).toBe('ubnd-01');
    expect(provinceDepartment('dien_luc', '79')?.id).toBe('evnhcmc');
  });

  it('takes the provinces from the map and gives each one power corporation', () => {
    expect(provinces.map((p) => findProvince(p.code)?.fullName)).toEqual(provinces.map((p) => p.fullName));
    const served = Object.values(power.corporations).flat().sort();
    expect(served).toEqual(provinces.map((p) => p.code).sort());
    for (const p of provinces) {
      const company = provinceDepartment('dien_luc', p.code)!;
      const corporation = findAgency(findProvince(p.code)!.power)!;
      expect(corporation.parentId, p.code).toBe('evn');
      // The two city corporations are their city's power company; elsewhere the company reports to one.
      if (p.code === '01' || p.code === '79') expect(company).toBe(corporation);
      else expect(company.parentId, p.code).toBe(corporation.id);
    }
    expect(findProvince('02')).toBeUndefined();
  });

  it("sends a commune procedure to the commune's committee in its province, else to the service centre", () => {
    for (const p of provinces)
      for (const c of communesOf(p.code)) {
        expect(resolveAgency(communeRule, { provinceCode: p.code, communeCode: c.code })?.id).toBe(
          `xa-${c.code}`,
        );
        const elsewhere = p.code === '01' ? '79' : '01';
        expect(resolveAgency(communeRule, { provinceCode: elsewhere, communeCode: c.code })?.id).toBe(
          `ttpvhcc-${elsewhere}`,
        );
      }
  });
});
