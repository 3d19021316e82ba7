/** Paying a dossier's fee: the provider's page, then back to the portal's return page. */
import { newIdempotencyKey, request } from '../api.js';

/** The dossier being paid for, so that the return page can offer "Thử lại" without refilling anything. */
export const PAYING_KEY = 'cong.paying';

/** To the provider's payment page; the same dossier keeps its pending attempt (the server answers it). */
export async function startPayment(dossierCode: string): Promise<void> {
  const created = await request<{ redirectUrl: string }>(
    `/v1/dossiers/${encodeURIComponent(dossierCode)}/payments`,
    { method: 'POST', auth: true, idempotencyKey: newIdempotencyKey() },
  );
  sessionStorage.setItem(PAYING_KEY, dossierCode);
  location.assign(created.redirectUrl);
}
