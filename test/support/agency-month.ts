/**
 * A month of one agency's work, for the tests of published figures and the service index: two dossiers of
 * a fully online procedure (1.002758, BHXH Hà Nội) filed and taken in by the agency simulator; the first
 * decided on time with a result to collect at the desk (not electronic), received and rated 5; the second
 * still in progress.
 */
import { expect } from 'vitest';
import type { LocalPortal } from '../../lib/local/portal.js';
import { readAgencySecrets, signedAgencyCall } from './agency-callbacks.js';
import { bhytForm } from './forms.js';
import { type Json, portalApi } from './portal-api.js';
import { until } from './wait.js';

export const MONTH_AGENCY = 'bhxh-hn';

/** Files, decides and rates as above, as `sub`; keys start with `keyPrefix`. Returns the codes. */
export async function seedAgencyMonth(portal: LocalPortal, sub: string, keyPrefix: string) {
  const api = portalApi(() => portal.url);
  const secrets = await readAgencySecrets(portal);
  const token = await portal.token({ sub, role: 'citizen' });
  const agencyEvent = async (event: Json) =>
    (await signedAgencyCall(portal, secrets, '/v1/agency/events', MONTH_AGENCY, event)).status;
  const fileAndWait = async (n: number) => {
    const res = await api('POST', '/v1/dossiers', {
      token,
      key: `${keyPrefix}-${n}`,
      body: { procedureCode: '1.002758', form: bhytForm, attachments: [] },
    });
    expect(res.status).toBe(201);
    const code = res.body.dossiers[0].code as string;
    await until(`${code} in progress`, async () =>
      (await api('GET', `/v1/dossiers/${code}`, { token })).body?.status === 'in_progress' ? true : undefined,
    );
    return code;
  };
  const done = await fileAndWait(1);
  const open = await fileAndWait(2);
  expect(await agencyEvent({ type: 'dossier.approved', dossierCode: done })).toBe(200);
  expect(
    await agencyEvent({
      type: 'dossier.result_issued',
      dossierCode: done,
      result: { kind: 'pickup', method: 'at_desk', note: 'Nhận tại bộ phận một cửa' },
    }),
  ).toBe(200);
  expect((await api('POST', `/v1/dossiers/${done}/received-result`, { token })).status).toBe(200);
  expect((await api('POST', `/v1/dossiers/${done}/rating`, { token, body: { overall: 5 } })).status).toBe(
    201,
  );
  return { token, done, open };
}

/**
 * The agency's index for `month` once the stream has counted everything `seedAgencyMonth` did: both
 * acknowledgements, the decision, the result and the rating. Any earlier reading is a partial score.
 */
export async function untilMonthCounted(portal: LocalPortal, month: string): Promise<Json> {
  const api = portalApi(() => portal.url);
  return until('the month counted', async () => {
    const item = (await api('GET', `/v1/service-index?period=${month}`)).body?.items?.find(
      (x: Json) => x.agencyId === MONTH_AGENCY,
    );
    const whole = (id: string) => item?.indicators.find((i: Json) => i.id === id)?.whole;
    const counted =
      whole('acknowledgedOnTime') === 2 &&
      whole('online') === 2 &&
      whole('onTime') === 1 &&
      whole('electronicResults') === 1 &&
      whole('satisfied') === 1;
    return counted ? item : undefined;
  });
}
