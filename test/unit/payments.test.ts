import { describe, expect, it } from 'vitest';
import { catalog } from '../../functions/catalog/catalog.js';
import { feeFor, feeRules, findFeeRule, paymentPolicy } from '../../functions/catalog/policy.js';
import {
  canonicalParams,
  gatewayTime,
  parseGatewayTime,
  signed,
  signParams,
  verifyParams,
} from '../../functions/payments/signature.js';

const SECRET = 'a'.repeat(64);

describe('provider signatures', () => {
  it('signs the vnp_ parameters sorted by name, URL-encoded with + for spaces', () => {
    const params = {
      vnp_TxnRef: 'X1',
      vnp_Amount: '13500000',
      other: 'ignored',
      vnp_OrderInfo: 'Lệ phí a&b',
    };
    expect(canonicalParams(params)).toBe(
      'vnp_Amount=13500000&vnp_OrderInfo=L%E1%BB%87+ph%C3%AD+a%26b&vnp_TxnRef=X1',
    );
    expect(signParams(SECRET, params)).toMatch(/^[0-9a-f]{128}$/);
  });

  it('verifies its own signature and refuses any change, a missing hash or another secret', () => {
    const p = signed(SECRET, { vnp_TxnRef: 'X1', vnp_Amount: '100' });
    expect(verifyParams(SECRET, p)).toBe(true);
    expect(verifyParams(SECRET, { ...p, vnp_Amount: '200' })).toBe(false);
    expect(verifyParams(SECRET, { ...p, vnp_Extra: '1' })).toBe(false);
    expect(verifyParams(SECRET, { vnp_TxnRef: 'X1', vnp_Amount: '100' })).toBe(false);
    expect(verifyParams(SECRET, { ...p, vnp_SecureHash: 'zz' })).toBe(false);
    expect(verifyParams('b'.repeat(64), p)).toBe(false);
  });

  it('refuses, without throwing, parameters that are not well-formed text (a lone surrogate from a JSON escape)', () => {
    const p = signed(SECRET, { vnp_TxnRef: 'X1', vnp_Amount: '100' });
    expect(verifyParams(SECRET, { ...p, vnp_OrderInfo: '\ud800' })).toBe(false);
    expect(verifyParams(SECRET, { ...p, ['vnp_\udfff']: '1' })).toBe(false);
  });

  it('reads and writes gateway time in Vietnam local time', () => {
    const at = new Date('2026-03-01T17:30:05Z');
    expect(gatewayTime(at)).toBe('20260302003005');
    expect(parseGatewayTime('20260302003005')?.toISOString()).toBe(at.toISOString());
    expect(parseGatewayTime('2026')).toBeUndefined();
  });
});

describe('fees', () => {
  it('takes the fee from the procedure, and keeps it as the base when a rule names the case', () => {
    expect(feeFor({ fee: 135_000 })).toBe(135_000);
    expect(feeFor({ fee: 0 })).toBe(0);
    expect(feeFor({ fee: 50_000 })).toBe(50_000);
    // Every rule of the published catalog keeps its procedure's fee.
    for (const p of catalog.currentProcedures()) expect(feeFor(p)).toBe(p.fee);
    expect(() => feeFor({ fee: -1 })).toThrow();
    expect(() => feeFor({ fee: 1.5 })).toThrow();
  });

  it('holds dispatch for fully online procedures with a fee the dossier collects', () => {
    expect(paymentPolicy({ level: 'toan_trinh', feeRule: null }, 135_000)).toBe('before_dispatch');
    expect(paymentPolicy({ level: 'mot_phan', feeRule: null }, 135_000)).toBe('none');
    expect(paymentPolicy({ level: 'toan_trinh', feeRule: 'provincial_council_rate' }, 1)).toBe(
      'before_dispatch',
    );
    expect(paymentPolicy({ level: 'mot_phan', feeRule: 'provincial_council_rate' }, 1)).toBe('none');
    expect(paymentPolicy({ level: 'toan_trinh', feeRule: null }, 0)).toBe('none');
    expect(paymentPolicy({ level: 'toan_trinh', feeRule: 'electricity_bill' }, 1)).toBe('none');
  });

  it('names every fee rule the catalog uses, and no other', () => {
    expect(findFeeRule('provincial_council_rate')?.name).toMatch(/Hội đồng nhân dân/);
    expect(findFeeRule('per_copy')).toBeUndefined();
    expect(findFeeRule('toString')).toBeUndefined();
    const used = new Set(catalog.currentProcedures().flatMap((p) => (p.feeRule ? [p.feeRule] : [])));
    expect([...used].sort()).toEqual(Object.keys(feeRules).sort());
  });
});
