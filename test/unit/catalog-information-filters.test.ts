import { describe, expect, it } from 'vitest';
import { handler } from '../../functions/catalog/handler.js';
import { published } from '../../functions/catalog/published.js';
import { procedureList, procedureView } from '../../schemas/procedure.js';
import { call } from '../support/api-event.js';

type Item = { code: string; name: string; onlineFiling: boolean; authorityLevels: string[] };

const search = async (query: Record<string, string>) => {
  const res = await call(handler, { routeKey: 'GET /v1/procedures', query: { limit: '100', ...query } });
  expect(res.status).toBe(200);
  expect(procedureList.safeParse(res.body).success).toBe(true);
  return res.body.items as Item[];
};
const codes = (items: Item[]) => items.map((i) => i.code);
const information = (items: Item[]) => items.filter((i) => !i.onlineFiling);

describe('agency and province filters over information entries', () => {
  it("finds a province justice department's entries by its id or code, in any province", async () => {
    // Sở Tư pháp implements them (national records 1.013834, 2.002039, 2.000890).
    expect(codes(await search({ agency: 'stp-01', q: 'văn phòng công chứng' }))).toContain('1.013834');
    expect(codes(await search({ agency: 'STP79', q: 'nhap quoc tich' }))).toContain('2.002039');
    expect(codes(await search({ agency: 'stp-48', q: 'giam dinh tu phap' }))).toContain('2.000890');
    const all = information(await search({ agency: 'stp-01' }));
    expect(all.length).toBeGreaterThan(20);
    for (const item of all) {
      const summary = published.catalog.findInformation(item.code)!;
      expect(summary.handlers, item.code).toContain('province:stp');
    }
  });

  it("finds a commune's entries at its People's Committee: Thủ tục đăng ký kết hôn at xa-00070", async () => {
    const items = await search({ agency: 'xa-00070', q: 'ket hon' });
    expect(items.find((i) => i.code === '1.000894')).toMatchObject({
      name: 'Thủ tục đăng ký kết hôn',
      onlineFiling: false,
    });
    // The province's committee is not the commune's.
    expect(codes(await search({ agency: 'ubnd-01', q: 'ket hon' }))).not.toContain('1.000894');
  });

  it('finds the Ministry of Public Security and its departments, and a province police its own', async () => {
    const bca = await search({ agency: 'bca', q: 'ho chieu' });
    expect(codes(bca)).toContain('1.001471'); // Cục quản lý xuất nhập cảnh, central level
    expect(codes(await search({ agency: 'BCA', q: 'the can cuoc' }))).toContain('1.000757');
    // Criminal record certificates (lý lịch tư pháp) are issued by the province police.
    const police = await search({ agency: 'cahn', q: 'ly lich tu phap' });
    expect(codes(police)).toEqual(expect.arrayContaining(['3.000333', '3.000334', '3.000335']));
    expect(codes(await search({ agency: 'stp-01', q: 'phieu ly lich tu phap' }))).not.toContain('3.000333');
  });

  it('finds no information entry for an agency no record names, nor for an unknown agency', async () => {
    expect(information(await search({ agency: 'evnhanoi' }))).toEqual([]);
    expect(information(await search({ agency: 'ttpvhcc-01' }))).toEqual([]);
    expect(await search({ agency: 'NOBODY' })).toEqual([]);
  });

  it('keeps information entries under every province: they are national procedures', async () => {
    for (const province of ['01', '79', '96']) {
      const items = await search({ province, q: 'dang ky ket hon' });
      expect(codes(items), province).toContain('1.000894');
    }
    const hanoi = await search({ province: '01', agency: 'stp-01', q: 'văn phòng công chứng' });
    expect(codes(hanoi)).toContain('1.013834');
  });

  it('combines the agency filter with level and field', async () => {
    const commune = information(await search({ agency: 'stp-01', level: 'commune' }));
    expect(commune.length).toBeGreaterThan(0);
    for (const i of commune) expect(i.authorityLevels).toContain('commune');
    const notary = information(await search({ agency: 'stp-01', field: 'công chứng' }));
    expect(codes(notary)).toContain('1.013834');
    expect(information(await search({ agency: 'stp-01', field: 'hải quan' }))).toEqual([]);
  });

  it('shows who handles an entry, in registry terms, beside its agency texts', async () => {
    const res = await call(handler, {
      routeKey: 'GET /v1/procedures/{code}',
      pathParameters: { code: '1.013834' },
    });
    expect(procedureView.safeParse(res.body).success).toBe(true);
    expect(res.body).toMatchObject({
      competentAgency: 'Chủ tịch ủy ban nhân dân cấp tỉnh',
      implementingAgency: 'Sở Tư pháp',
      handlers: [
        { tier: 'province', kind: 'ubnd' },
        { tier: 'province', kind: 'stp' },
      ],
    });
  });
});
