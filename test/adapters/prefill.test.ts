/**
 * Citizens do not retype what the portal knows: a procedure's form comes back filled from the saved
 * profile (only the fields the form has), a representative's from their enterprise's tax code, and the
 * filled form is accepted by intake as it is once the citizen completes it.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Json } from '../support/portal-api.js';
import { sampleBodies } from '../support/request-bodies.js';
import { type LocalRoutes, startLocalRoutes } from './support/routes.js';

let portal: LocalRoutes;

beforeAll(async () => {
  portal = await startLocalRoutes();
}, 90_000);
afterAll(async () => {
  await portal?.stop();
});

const api: LocalRoutes['api'] = (...args) => portal.api(...args);

describe('prefilled forms', () => {
  it('fill the form fields of the same name from the saved profile, in full, never cached', async () => {
    const token = await portal.token({ sub: 'prefill-citizen-1', citizenId: '079203004567' });
    const profile: Json = { ...sampleBodies.putMyProfile, email: 'chau.pham@example.vn' };
    expect((await api('PUT', '/v1/me/profile', { token, body: profile })).status).toBe(201);

    const res = await api('GET', '/v1/me/prefill/1.002758', { token });
    expect(res.status).toBe(200);
    expect(res.headers.get('cache-control')).toBe('no-store');
    expect(res.body).toMatchObject({ procedureCode: '1.002758', fromProfile: true });
    expect(res.body.form).toEqual({
      fullName: profile.fullName,
      dateOfBirth: profile.dateOfBirth,
      // The number the sign-in verified, bound to the profile.
      citizenId: '079203004567',
      phone: profile.phone,
    });
    expect(res.body.filled.sort()).toEqual(['citizenId', 'dateOfBirth', 'fullName', 'phone']);

    // Completed with the procedure's own fields, the prefilled form is what intake accepts.
    const form = { ...(sampleBodies.submitDossier!.form as Json), ...res.body.form };
    const submitted = await api('POST', '/v1/dossiers', {
      token,
      body: { ...sampleBodies.submitDossier!, form },
      key: 'prefill-submit-0001',
    });
    expect(submitted.status).toBe(201);
  });

  it('fill a representative’s tax code from the sign-in, and nothing without a profile', async () => {
    const rep = await portal.token({ sub: 'prefill-rep-1', role: 'business', taxCode: '0107654321' });
    // The promotion notice (thông báo khuyến mại) is filed by an enterprise under its tax code.
    const code = '2.000033';
    const res = await api('GET', `/v1/me/prefill/${code}`, { token: rep });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      fromProfile: false,
      form: { taxCode: '0107654321' },
      filled: ['taxCode'],
    });

    const nobody = await api('GET', '/v1/me/prefill/1.002758', {
      token: await portal.token({ sub: 'prefill-none' }),
    });
    expect(nobody.body).toMatchObject({ fromProfile: false, form: {}, filled: [] });

    // Without a profile, the applicant still is who signed in: their verified citizen ID and name.
    const verified = await api('GET', '/v1/me/prefill/1.002758', {
      token: await portal.token({ sub: 'prefill-verified', citizenId: '079203004568', name: 'Lê Thị Hoa' }),
    });
    expect(verified.body).toMatchObject({
      fromProfile: false,
      form: { citizenId: '079203004568', fullName: 'Lê Thị Hoa' },
    });
  });

  it('answer an unknown procedure with 404 and a desk officer with 403', async () => {
    const token = await portal.token({ sub: 'prefill-citizen-2' });
    const unknown = await api('GET', '/v1/me/prefill/9.999999', { token });
    expect(unknown.status).toBe(404);
    expect(unknown.body.error.code).toBe('PROCEDURE_NOT_FOUND');
    const desk = await portal.token({ sub: 'prefill-desk', role: 'desk_officer', agencyId: 'ttpvhcc-01' });
    expect((await api('GET', '/v1/me/prefill/1.002758', { token: desk })).status).toBe(403);
  });
});
