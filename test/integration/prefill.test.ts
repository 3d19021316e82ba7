/**
 * Citizens do not retype what the portal knows: a procedure's form comes back filled from the saved
 * profile (only the fields the form has), a representative's from their enterprise's tax code, and the
 * filled form is accepted by intake as it is once the citizen completes it.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type LocalPortal, startLocalPortal } from '../../lib/local/portal.js';
import { sampleBodies } from '../support/request-bodies.js';

let portal: LocalPortal;
type Json = ReturnType<typeof JSON.parse>;

beforeAll(async () => {
  portal = await startLocalPortal({ port: 0, ephemeral: true, quiet: true, simulatorDelayMs: 20 });
}, 90_000);
afterAll(async () => {
  await portal?.stop();
});

async function call(method: string, path: string, token: string, body?: unknown, key?: string) {
  const res = await fetch(`${portal.url}${path}`, {
    method,
    headers: {
      authorization: `Bearer ${token}`,
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      ...(key ? { 'idempotency-key': key } : {}),
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: res.status, headers: res.headers, body: (await res.json()) as Json };
}

describe('prefilled forms', () => {
  it('fill the form fields of the same name from the saved profile, in full, never cached', async () => {
    const token = await portal.token({ sub: 'prefill-citizen-1' });
    const profile: Json = { ...sampleBodies.putMyProfile, email: 'chau.pham@example.vn' };
    expect((await call('PUT', '/v1/me/profile', token, profile)).status).toBe(201);

    const res = await call('GET', '/v1/me/prefill/1.002758', token);
    expect(res.status).toBe(200);
    expect(res.headers.get('cache-control')).toBe('no-store');
    expect(res.body).toMatchObject({ procedureCode: '1.002758', fromProfile: true });
    expect(res.body.form).toEqual({
      fullName: profile.fullName,
      dateOfBirth: profile.dateOfBirth,
      citizenId: profile.citizenId,
      phone: profile.phone,
    });
    expect(res.body.filled.sort()).toEqual(['citizenId', 'dateOfBirth', 'fullName', 'phone']);

    // Completed with the procedure's own fields, the prefilled form is what intake accepts.
    const form = { ...(sampleBodies.submitDossier!.form as Json), ...res.body.form };
    const submitted = await call(
      'POST',
      '/v1/dossiers',
      token,
      { ...sampleBodies.submitDossier!, form },
      'prefill-submit-0001',
    );
    expect(submitted.status).toBe(201);
  });

  it('fill a representative’s tax code from the sign-in, and nothing without a profile', async () => {
    const rep = await portal.token({ sub: 'prefill-rep-1', role: 'business', taxCode: '0107654321' });
    // The promotion notice (thông báo khuyến mại) is filed by an enterprise under its tax code.
    const code = '2.000033';
    const res = await call('GET', `/v1/me/prefill/${code}`, rep);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      fromProfile: false,
      form: { taxCode: '0107654321' },
      filled: ['taxCode'],
    });

    const nobody = await call('GET', '/v1/me/prefill/1.002758', await portal.token({ sub: 'prefill-none' }));
    expect(nobody.body).toMatchObject({ fromProfile: false, form: {}, filled: [] });
  });

  it('answer an unknown procedure with 404 and a desk officer with 403', async () => {
    const token = await portal.token({ sub: 'prefill-citizen-2' });
    const unknown = await call('GET', '/v1/me/prefill/9.999999', token);
    expect(unknown.status).toBe(404);
    expect(unknown.body.error.code).toBe('PROCEDURE_NOT_FOUND');
    const desk = await portal.token({ sub: 'prefill-desk', role: 'desk_officer', agencyId: 'ttpvhcc-01' });
    expect((await call('GET', '/v1/me/prefill/1.002758', desk)).status).toBe(403);
  });
});
