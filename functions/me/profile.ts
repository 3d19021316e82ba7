/**
 * A person's profile: read (masked unless revealed) and replaced as a whole. Replacements are
 * conditional on the version the person last read, so two devices editing at once cannot silently
 * overwrite each other. The citizen ID is not the person's to write: it is the one their VNeID sign-in
 * verified, bound when the profile is created (with a claim that gives each ID to one account only,
 * which is how a one-stop desk finds the citizen it files for) and never changed afterwards.
 */
import type * as z from 'zod';
import type { ProfileInput, profileView } from '../../schemas/me.js';
import type { Person } from '../core/auth.js';
import { AppError } from '../core/errors.js';
import {
  citizenIdHash,
  maskCitizenId,
  maskPhone,
  open,
  type ProfileKeys,
  profileFieldContext,
  seal,
} from '../pii/protect.js';

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
  /**
   * When the citizen ID was bound from a verified sign-in (and claimed for this account). Profiles saved
   * before IDs were verified lack it: their number came from a form, and the next save binds them.
   */
  citizenIdBoundAt?: string;
  phoneSealed: string;
  createdAt: string;
  updatedAt: string;
}

/** Who saves: their account and, when their sign-in verified one, their citizen ID. */
export type ProfileOwner = Pick<Person, 'sub' | 'citizenId'>;

export interface ProfilePorts {
  now(): Date;
  keys(): Promise<ProfileKeys>;
  load(sub: string): Promise<StoredProfile | undefined>;
  /**
   * Writes a profile bound to its citizen ID and the claim of that ID together, or neither. The profile
   * is new (`expected` undefined) or replaces version `expected` of one never bound. `stale` when the
   * stored profile is not that one (any more), `taken` when another account holds the ID.
   */
  bind(profile: StoredProfile, expected: number | undefined): Promise<'bound' | 'stale' | 'taken'>;
  /** Writes if the stored version is still `expected` and the citizen ID the stored one; false if not. */
  update(profile: StoredProfile, expected: number): Promise<boolean>;
}

export type ProfileView = z.infer<typeof profileView>;

const context = profileFieldContext;

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
  input.address === current.address &&
  input.phone === current.phone &&
  input.email === current.email;

/**
 * Full replacement. An existing profile needs If-Match (428 without it, 412 when it names another
 * version) and keeps its citizen ID. Sending the stored content again changes nothing and answers with
 * the current version, so a retried PUT whose first answer was lost still succeeds. Binding the citizen
 * ID (the first profile, or the first save of one from before IDs were verified) needs a sign-in with a
 * verified citizen ID (403 without) that no other account holds (409).
 */
export async function replaceProfile(
  ports: ProfilePorts,
  owner: ProfileOwner,
  input: ProfileInput,
  ifMatch: string | undefined,
): Promise<{ view: ProfileView; created: boolean }> {
  const { sub } = owner;
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
    // Once bound, the citizen ID stays what it is, whatever this sign-in carries.
    ...(current?.citizenIdBoundAt ? boundIdentity(current) : verifiedIdentity(owner, keys, at)),
    phoneSealed: seal(keys.encryption, input.phone, context(sub, 'phone')),
    createdAt: current?.createdAt ?? at,
    updatedAt: at,
  };
  if (current?.citizenIdBoundAt) {
    if (!(await ports.update(next, current.version))) throw new AppError('PRECONDITION_FAILED');
  } else {
    const outcome = await ports.bind(next, current?.version);
    if (outcome === 'taken') throw new AppError('CITIZEN_ID_TAKEN');
    // Another request of the same account wrote it meanwhile: read it, then replace it.
    if (outcome === 'stale') throw new AppError('PRECONDITION_FAILED');
  }
  return { view: toView(next, keys, false), created: !current };
}

const boundIdentity = (p: StoredProfile) => ({
  citizenIdSealed: p.citizenIdSealed,
  citizenIdHash: p.citizenIdHash,
  citizenIdBoundAt: p.citizenIdBoundAt,
});

function verifiedIdentity(owner: ProfileOwner, keys: ProfileKeys, at: string) {
  if (!owner.citizenId) throw new AppError('IDENTITY_NOT_VERIFIED');
  return {
    citizenIdSealed: seal(keys.encryption, owner.citizenId, context(owner.sub, 'citizenId')),
    citizenIdHash: citizenIdHash(keys.lookup, owner.citizenId),
    citizenIdBoundAt: at,
  };
}
