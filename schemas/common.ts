import * as z from 'zod';

const buildNfcText = (max: number, min: number) =>
  z
    .string()
    .check(z.trim(), z.minLength(min), z.maxLength(max))
    .transform((s) => s.normalize('NFC'));

/** One schema per length bound: schemas are immutable, and a function builds dozens of these fields. */
const nfcTexts = new Map<string, ReturnType<typeof buildNfcText>>();

/** Vietnamese text arrives in any Unicode form; the portal stores and compares NFC. */
export const nfcText = (max: number, min = 1) => {
  const key = `${min}:${max}`;
  let schema = nfcTexts.get(key);
  if (!schema) {
    schema = buildNfcText(max, min);
    nfcTexts.set(key, schema);
  }
  return schema;
};

/** Today's date in Vietnam (UTC+7, no daylight saving): "in the past" is judged where the citizen lives. */
export const todayInVietnam = (now: number = Date.now()) =>
  new Date(now + 7 * 3_600_000).toISOString().slice(0, 10);

/**
 * A Vietnamese mobile number (10 digits, 03x/05x/07x/08x/09x): the one kind of number the portal's SMS
 * notices reach. Profiles and dossier forms both take this schema, so no dossier's notices go to a landline.
 */
export const vnMobile = z
  .string()
  .regex(
    /^0[35789]\d{8}$/,
    'số điện thoại di động 10 chữ số (03, 05, 07, 08, 09) / Vietnamese mobile number of 10 digits',
  )
  .meta({
    description: 'Số điện thoại di động 10 chữ số; thông báo của Cổng được gửi tới số này bằng SMS.',
    'x-description-en': "A 10-digit Vietnamese mobile number; the portal's notices are sent to it by SMS.",
  });

export const ulid = z.string().regex(/^[0-9A-HJKMNP-TV-Z]{26}$/, 'expected a ULID');
export const isoDateTime = z.iso.datetime({ offset: true });

/** `<agency code>-YYMMDD-NNNN` (Circular 01/2018); the number widens past 9999 rather than wrapping. */
export const dossierCode = z
  .string()
  .regex(/^[A-Z0-9.]{2,24}-\d{6}-\d{4,}$/, 'expected a dossier code such as CAHN-261122-0001');

export const procedureCode = z
  .string()
  .regex(/^\d\.\d{6}$/, 'expected a national procedure code such as 1.001234');

export const errorBody = z
  .object({
    error: z.object({
      code: z.string(),
      message: z.string(),
      messageVi: z.string(),
      details: z.unknown().optional(),
    }),
  })
  .meta({ id: 'Error' });

export const listQuery = z.object({
  limit: z.coerce.number().int().min(1).max(100).default(20),
  cursor: z.string().max(512).optional(),
});

export const health = z.object({ status: z.literal('ok'), stage: z.string(), time: isoDateTime });

/** This API's OpenAPI 3.1 document: its envelope; the paths and components are the route table's. */
export const openApiDocument = z.looseObject({
  openapi: z.string(),
  info: z.looseObject({ title: z.string(), version: z.string() }),
  paths: z.record(z.string(), z.unknown()),
});

/** What a signed-in person may act as (token claim `role`, or the first Cognito group). */
export const personRole = z.enum([
  'citizen',
  'business',
  'desk_officer',
  'agency_officer',
  'catalog_admin',
  'operator',
  'support_agent',
]);
export type PersonRole = z.infer<typeof personRole>;

/** SHA-256 as 64 lowercase hex digits (what `sha256sum` prints), of the exact bytes a download gives. */
export const sha256Hex = z
  .string()
  .regex(/^[0-9a-f]{64}$/)
  .meta({
    description:
      'SHA-256 of the file, as 64 lowercase hexadecimal digits (the output of `sha256sum`), over the exact bytes the download gives.',
  });
