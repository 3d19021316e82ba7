import { describe, expect, it } from 'vitest';
import { prefill } from '../../functions/me/prefill.js';

const FIELDS = ['fullName', 'citizenId', 'dateOfBirth', 'address', 'taxCode'];
const signedIn = { role: 'citizen' as const, citizenId: '001090000001', name: 'Nguyễn Văn An' };

describe('a new form, prefilled', () => {
  it('takes the applicant from the verified sign-in when there is no profile', () => {
    expect(prefill(FIELDS, undefined, signedIn)).toEqual({
      form: { fullName: 'Nguyễn Văn An', citizenId: '001090000001' },
      filled: ['fullName', 'citizenId'],
    });
  });

  it('prefers the saved profile and fills only what it lacks from the sign-in', () => {
    const profile = {
      fullName: 'Nguyễn Văn Ân',
      dateOfBirth: '1990-05-12',
      citizenId: '001090000001',
      phone: '0912345678',
      address: 'Hà Nội',
    };
    expect(prefill(FIELDS, profile, signedIn).form).toEqual({
      fullName: 'Nguyễn Văn Ân',
      dateOfBirth: '1990-05-12',
      citizenId: '001090000001',
      address: 'Hà Nội',
    });
  });

  it("leaves a desk officer's own identity out: they file for someone else", () => {
    const desk = { role: 'desk_officer' as const, citizenId: '001085004567', name: 'Lê Văn Dũng' };
    expect(prefill(FIELDS, undefined, desk).filled).toEqual([]);
  });
});
