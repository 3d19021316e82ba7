import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  type ProfilePorts,
  parseIfMatch,
  replaceProfile,
  type StoredProfile,
} from '../../functions/me/profile.js';
import {
  citizenIdHash,
  deriveProfileKeys,
  maskCitizenId,
  maskPhone,
  open,
  seal,
} from '../../functions/pii/protect.js';
import { profileInput } from '../../schemas/me.js';

const keys = deriveProfileKeys(randomBytes(32));
const CITIZEN_ID = '001188000123';
const valid = {
  fullName: 'Nguyễn Thị Bình',
  dateOfBirth: '1988-03-14',
  address: '12 Hàng Bài, Hoàn Kiếm, Hà Nội',
  phone: '0912345678',
};

describe('masking', () => {
  it('keeps only enough to recognise the number', () => {
    expect(maskCitizenId('001088000123')).toBe('0010******23');
    expect(maskPhone('0912345678')).toBe('09******78');
  });
});

describe('sealing', () => {
  it('round-trips and hides the plaintext', () => {
    const sealed = seal(keys.encryption, '001188000123', 'profile:citizenId:a');
    expect(sealed).not.toContain('001188000123');
    expect(open(keys.encryption, sealed, 'profile:citizenId:a')).toBe('001188000123');
    expect(seal(keys.encryption, '001188000123', 'profile:citizenId:a')).not.toBe(sealed);
  });
  it('refuses another context, another key or a tampered value', () => {
    const sealed = seal(keys.encryption, '0912345678', 'profile:phone:a');
    expect(() => open(keys.encryption, sealed, 'profile:phone:b')).toThrow();
    expect(() => open(deriveProfileKeys(randomBytes(32)).encryption, sealed, 'profile:phone:a')).toThrow();
    const parts = sealed.split('.');
    parts[2] = Buffer.from('0000000000').toString('base64url');
    expect(() => open(keys.encryption, parts.join('.'), 'profile:phone:a')).toThrow();
  });
  it('derives separate cipher and look-up keys', () => {
    expect(keys.encryption.equals(keys.lookup)).toBe(false);
  });
});

describe('keyed hash of the citizen ID', () => {
  it('is stable under one key and differs under another', () => {
    const h = citizenIdHash(keys.lookup, '001188000123');
    expect(h).toMatch(/^[0-9a-f]{64}$/);
    expect(citizenIdHash(keys.lookup, '001188000123')).toBe(h);
    expect(citizenIdHash(deriveProfileKeys(randomBytes(32)).lookup, '001188000123')).not.toBe(h);
  });
});

describe('profile validation', () => {
  it('accepts a valid profile, email optional', () => {
    expect(profileInput.safeParse(valid).success).toBe(true);
    expect(profileInput.safeParse({ ...valid, email: 'binh@example.vn' }).success).toBe(true);
  });
  it('names each bad field', () => {
    const r = profileInput.safeParse({
      ...valid,
      phone: '12345678901',
      dateOfBirth: '2999-01-01',
      email: 'nope',
    });
    expect(r.success).toBe(false);
    const paths = r.error!.issues.map((i) => i.path.join('.')).sort();
    expect(paths).toEqual(['dateOfBirth', 'email', 'phone']);
  });
  it('refuses unknown fields, and a citizen ID: it comes from the verified sign-in', () => {
    const r = profileInput.safeParse({ ...valid, version: 9, role: 'operator' });
    expect(r.success).toBe(false);
    expect(r.error!.issues[0]!.code).toBe('unrecognized_keys');
    const named = profileInput.safeParse({ ...valid, citizenId: CITIZEN_ID });
    expect(named.error?.issues).toEqual([
      expect.objectContaining({ code: 'unrecognized_keys', keys: ['citizenId'] }),
    ]);
  });
  it('reads If-Match as a version', () => {
    expect(parseIfMatch('"3"')).toBe(3);
    expect(parseIfMatch('W/"12"')).toBe(12);
    expect(parseIfMatch(undefined)).toBeUndefined();
    expect(parseIfMatch('*')).toBe('invalid');
  });
});

describe('replacing a profile', () => {
  /** Profiles by account and the claims of citizen IDs, written together as the table does. */
  const memory = () => {
    const profiles = new Map<string, StoredProfile>();
    const claims = new Map<string, string>();
    const ports: ProfilePorts = {
      now: () => new Date('2026-11-22T05:00:00Z'),
      keys: async () => keys,
      load: async (sub) => profiles.get(sub),
      bind: async (p, expected) => {
        const stored = profiles.get(p.ownerSub);
        if (stored?.version !== expected || stored?.citizenIdBoundAt) return 'stale';
        if (claims.has(p.citizenIdHash)) return 'taken';
        profiles.set(p.ownerSub, p);
        claims.set(p.citizenIdHash, p.ownerSub);
        return 'bound';
      },
      update: async (p, expected) => {
        const stored = profiles.get(p.ownerSub);
        if (stored?.version !== expected || stored.citizenIdHash !== p.citizenIdHash) return false;
        profiles.set(p.ownerSub, p);
        return true;
      },
    };
    return { ports, stored: (sub = 'a') => profiles.get(sub), profiles, claims };
  };
  const verified = (sub: string, citizenId = CITIZEN_ID) => ({ sub, citizenId });

  it('creates, then needs If-Match, refuses a stale one, and accepts a retry of the same body', async () => {
    const m = memory();
    const first = await replaceProfile(m.ports, verified('a'), profileInput.parse(valid), undefined);
    expect(first).toMatchObject({ created: true, view: { version: 1, citizenId: '0011******23' } });
    expect(JSON.stringify(m.stored())).not.toMatch(/001188000123|0912345678/);
    const changed = profileInput.parse({ ...valid, address: '1 Tràng Tiền, Hà Nội' });
    await expect(replaceProfile(m.ports, verified('a'), changed, undefined)).rejects.toMatchObject({
      status: 428,
    });
    await expect(replaceProfile(m.ports, verified('a'), changed, '"7"')).rejects.toMatchObject({
      status: 412,
    });
    const second = await replaceProfile(m.ports, verified('a'), changed, '"1"');
    expect(second.view.version).toBe(2);
    const retry = await replaceProfile(m.ports, verified('a'), changed, '"1"');
    expect(retry.view.version).toBe(2);
  });

  it('takes the citizen ID from the verified sign-in, and claims it for the account', async () => {
    const m = memory();
    await replaceProfile(m.ports, verified('a'), profileInput.parse(valid), undefined);
    const stored = m.stored()!;
    expect(open(keys.encryption, stored.citizenIdSealed, 'profile:citizenId:a')).toBe(CITIZEN_ID);
    expect(stored.citizenIdHash).toBe(citizenIdHash(keys.lookup, CITIZEN_ID));
    expect(m.claims.get(stored.citizenIdHash)).toBe('a');
  });

  it('creates nothing for a sign-in without a verified citizen ID', async () => {
    const m = memory();
    await expect(
      replaceProfile(m.ports, { sub: 'a' }, profileInput.parse(valid), undefined),
    ).rejects.toMatchObject({ code: 'IDENTITY_NOT_VERIFIED', status: 403 });
    expect(m.stored()).toBeUndefined();
  });

  it('refuses a second account presenting a citizen ID another account holds', async () => {
    const m = memory();
    await replaceProfile(m.ports, verified('a'), profileInput.parse(valid), undefined);
    await expect(
      replaceProfile(m.ports, verified('b'), profileInput.parse(valid), undefined),
    ).rejects.toMatchObject({ code: 'CITIZEN_ID_TAKEN', status: 409 });
    expect(m.stored('b')).toBeUndefined();
    expect(m.claims.get(citizenIdHash(keys.lookup, CITIZEN_ID))).toBe('a');
  });

  it('keeps the citizen ID bound at creation, whatever a later sign-in carries or lacks', async () => {
    const m = memory();
    await replaceProfile(m.ports, verified('a'), profileInput.parse(valid), undefined);
    const moved = profileInput.parse({ ...valid, address: '1 Tràng Tiền, Hà Nội' });
    const second = await replaceProfile(m.ports, verified('a', '079203009999'), moved, '"1"');
    expect(second.view).toMatchObject({ version: 2, citizenId: '0011******23' });
    const third = await replaceProfile(m.ports, { sub: 'a' }, { ...moved, fullName: 'Trần Thị Bình' }, '"2"');
    expect(third.view.version).toBe(3);
    expect(open(keys.encryption, m.stored()!.citizenIdSealed, 'profile:citizenId:a')).toBe(CITIZEN_ID);
    expect([...m.claims.keys()]).toEqual([citizenIdHash(keys.lookup, CITIZEN_ID)]);
  });

  it('binds a profile saved before IDs were verified to the sign-in at its next save', async () => {
    const m = memory();
    // Saved with a number typed in a form: no claim, no binding.
    const legacy: StoredProfile = {
      ownerSub: 'a',
      version: 1,
      fullName: valid.fullName,
      dateOfBirth: valid.dateOfBirth,
      address: valid.address,
      citizenIdSealed: seal(keys.encryption, '079203009999', 'profile:citizenId:a'),
      citizenIdHash: citizenIdHash(keys.lookup, '079203009999'),
      phoneSealed: seal(keys.encryption, valid.phone, 'profile:phone:a'),
      createdAt: '2026-01-01T00:00:00.000Z',
      updatedAt: '2026-01-01T00:00:00.000Z',
    };
    m.profiles.set('a', legacy);
    const moved = profileInput.parse({ ...valid, address: '1 Tràng Tiền, Hà Nội' });
    await expect(replaceProfile(m.ports, { sub: 'a' }, moved, '"1"')).rejects.toMatchObject({
      code: 'IDENTITY_NOT_VERIFIED',
    });
    const bound = await replaceProfile(m.ports, verified('a'), moved, '"1"');
    expect(bound).toMatchObject({ created: false, view: { version: 2, citizenId: '0011******23' } });
    expect(m.stored()?.citizenIdBoundAt).toBe('2026-11-22T05:00:00.000Z');
    expect(m.claims.get(citizenIdHash(keys.lookup, CITIZEN_ID))).toBe('a');
    expect(m.claims.has(legacy.citizenIdHash)).toBe(false);
  });
});
