/**
 * Where a dossier's notifications go: the contact its owner gave in the dossier form (`phone`,
 * `email`). Contacts are personal data: they travel only inside encrypted queue messages and appear
 * in logs masked.
 */

export interface Contacts {
  /** E.164, e.g. +84912345678. */
  phone?: string;
  email?: string;
}

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

/**
 * A Vietnamese mobile number as E.164: 0912 345 678, 84912345678 and +84 912-345-678 all become
 * +84912345678. Anything else — a landline (02x), an old 11-digit number — is no SMS recipient: forms
 * and profiles take only mobile numbers (schemas/common.ts `vnMobile`), and a dossier filed before
 * they did is not texted at a number that cannot receive it.
 */
export function normalizePhone(raw: string): string | undefined {
  const digits = raw.replace(/[\s.()-]/g, '');
  let national: string | undefined;
  if (/^\+84\d{9}$/.test(digits)) national = digits.slice(3);
  else if (/^84\d{9}$/.test(digits)) national = digits.slice(2);
  else if (/^0\d{9}$/.test(digits)) national = digits.slice(1);
  return national && /^[35789]/.test(national) ? `+84${national}` : undefined;
}

export function citizenContacts(form: Record<string, unknown>): Contacts {
  const out: Contacts = {};
  if (typeof form.phone === 'string') {
    const phone = normalizePhone(form.phone);
    if (phone) out.phone = phone;
  }
  if (typeof form.email === 'string') {
    const email = form.email.trim().toLowerCase();
    if (EMAIL.test(email) && email.length <= 254) out.email = email;
  }
  return out;
}

/** +84912345678 → +84*****5678: enough to tell two recipients apart in a log, not to call them. */
export function maskPhone(phone: string): string {
  if (phone.length <= 7) return '*'.repeat(phone.length);
  return `${phone.slice(0, 3)}${'*'.repeat(phone.length - 7)}${phone.slice(-4)}`;
}

/** binh.nguyen@example.vn → b***@example.vn */
export function maskEmail(email: string): string {
  const at = email.lastIndexOf('@');
  if (at <= 0) return '***';
  return `${email[0]}***${email.slice(at)}`;
}

/** A recipient as it may appear in a log line. */
export function maskRecipient(channel: string, to: string): string {
  if (channel === 'sms') return maskPhone(to);
  if (channel === 'email') return maskEmail(to);
  return to;
}
