/**
 * A person's profile: read (masked unless revealed) and replaced as a whole. Replacements are
 * conditional on the version the person last read, so two devices editing at once cannot silently
 * overwrite each other.
 */
import type { z } from 'zod';
import type { ProfileInput, profileView } from '../../schemas/me.js';
import { AppError } from '../core/errors.js';
import { citizenIdHash, maskCitizenId, maskPhone, open, type ProfileKeys, seal } from './protect.js';

/** The profile as stored: the two sensitive identifiers only as ciphertext and a keyed hash. */
export interface StoredProfile {
  ownerSub: string;
  version: number;
  fullName: string;
  dateOfBirth: string;
  address: string;
  email?: string;
  citizenIdSealed: string;
  citizenIdHash: string;
  phoneSealed: string;
  createdAt: string;
  updatedAt: string;
}

export interface ProfilePorts {
  now(): Date;
  keys(): Promise<ProfileKeys>;
  load(sub: string): Promise<StoredProfile | undefined>;
  /** Writes if the stored version is still `expected` (undefined: no profile yet); false if not. */
  save(profile: StoredProfile, expected: number | undefined): Promise<boolean>;
}

export type ProfileView = z.infer<typeof profileView>;

const context = (sub: string, field: string) => `profile:${field}:${sub}`;

export async function readProfile(ports: ProfilePorts, sub: string, reveal: boolean) {
  const stored = await ports.load(sub);
  if (!stored) return undefined;
  return toView(stored, await ports.keys(), reveal);
}

function unseal(stored: StoredProfile, keys: ProfileKeys) {
  return {
    citizenId: open(keys.encryption, stored.citizenIdSealed, context(stored.ownerSub, 'citizenId')),
    phone: open(keys.encryption, stored.phoneSealed, context(stored.ownerSub, 'phone')),
  };
}

function toView(stored: StoredProfile, keys: ProfileKeys, reveal: boolean): ProfileView {
  const { citizenId, phone } = unseal(stored, keys);
  return {
    fullName: stored.fullName,
    dateOfBirth: stored.dateOfBirth,
    citizenId: reveal ? citizenId : maskCitizenId(citizenId),
    phone: reveal ? phone : maskPhone(phone),
    address: stored.address,
    ...(stored.email ? { email: stored.email } : {}),
    version: stored.version,
    updatedAt: stored.updatedAt,
  };
}

/** `"3"`, `W/"3"` or `3` → 3; anything else matches no version. */
export function parseIfMatch(header: string | undefined): number | undefined | 'invalid' {
  if (header === undefined || header.trim() === '') return undefined;
  const m = /^\s*(?:W\/)?"?(\d{1,9})"?\s*$/.exec(header);
  return m ? Number(m[1]) : 'invalid';
}

export const etagOf = (version: number) => `"${version}"`;

const sameContent = (input: ProfileInput, current: ProfileInput) =>
  input.fullName === current.fullName &&
  input.dateOfBirth === current.dateOfBirth &&
  input.citizenId === current.citizenId &&
  input.address === current.address &&
  input.phone === current.phone &&
  input.email === current.email;

/**
 * Full replacement. An existing profile needs If-Match (428 without it, 412 when it names another
 * version). Sending the stored content again changes nothing and answers with the current version,
 * so a retried PUT whose first answer was lost still succeeds.
 */
export async function replaceProfile(
  ports: ProfilePorts,
  sub: string,
  input: ProfileInput,
  ifMatch: string | undefined,
): Promise<{ view: ProfileView; created: boolean }> {
  const expected = parseIfMatch(ifMatch);
  const [current, keys] = await Promise.all([ports.load(sub), ports.keys()]);

  if (current) {
    if (expected === undefined) throw new AppError('PRECONDITION_REQUIRED');
    const existing = { ...current, ...unseal(current, keys) };
    if (sameContent(input, existing)) return { view: toView(current, keys, false), created: false };
    if (expected !== current.version) throw new AppError('PRECONDITION_FAILED');
  } else if (expected !== undefined) {
    throw new AppError('PRECONDITION_FAILED');
  }

  const at = ports.now().toISOString();
  const next: StoredProfile = {
    ownerSub: sub,
    version: (current?.version ?? 0) + 1,
    fullName: input.fullName,
    dateOfBirth: input.dateOfBirth,
    address: input.address,
    ...(input.email ? { email: input.email } : {}),
    citizenIdSealed: seal(keys.encryption, input.citizenId, context(sub, 'citizenId')),
    citizenIdHash: citizenIdHash(keys.lookup, input.citizenId),
    phoneSealed: seal(keys.encryption, input.phone, context(sub, 'phone')),
    createdAt: current?.createdAt ?? at,
    updatedAt: at,
  };
  if (!(await ports.save(next, current?.version))) throw new AppError('PRECONDITION_FAILED');
  return { view: toView(next, keys, false), created: !current };
}
