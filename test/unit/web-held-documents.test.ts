import { describe, expect, it } from 'vitest';
import { pickHeld } from '../../web/src/filing/held.js';

const scan = {
  documentId: 'HCM-2026-000001~01KAAAAAAAAAAAAAAAAAAAAAA1',
  documentType: 'current_licence',
  fileName: 'gplx-cu.pdf',
  dossierCode: 'HCM-2026-000001',
  uploadedAt: '2026-11-02T03:00:00.000Z',
  kind: 'scan' as const,
};
const result = {
  documentId: '01KBBBBBBBBBBBBBBBBBBBBBB1',
  documentType: 'current_licence',
  fileName: 'GPLX hạng B.pdf',
  dossierCode: 'HCM-2026-000001',
  uploadedAt: '2026-11-20T03:00:00.000Z',
  issuedAt: '2026-11-20T03:00:00.000Z',
  issuerName: 'Sở Xây dựng Hà Nội',
  kind: 'result' as const,
  status: 'valid' as const,
};

describe('documents the citizen already holds', () => {
  it('offers a valid result before an earlier scan of the same type, naming its issuer and date', () => {
    expect(pickHeld([scan, result], ['current_licence'])).toEqual({
      current_licence: {
        documentId: result.documentId,
        documentType: 'current_licence',
        fileName: 'GPLX hạng B.pdf',
        kind: 'result',
        from: 'Sở Xây dựng Hà Nội',
        at: result.issuedAt,
      },
    });
  });

  it('never offers a revoked or replaced result, and falls back to the earlier scan', () => {
    const held = pickHeld([{ ...result, status: 'revoked' }, scan], ['current_licence']);
    expect(held.current_licence).toMatchObject({
      kind: 'scan',
      documentId: scan.documentId,
      from: scan.dossierCode,
    });
    expect(pickHeld([{ ...result, status: 'replaced' }], ['current_licence'])).toEqual({});
  });

  it('offers only the types the procedure asks for', () => {
    expect(pickHeld([scan, result], ['health_certificate'])).toEqual({});
  });
});
