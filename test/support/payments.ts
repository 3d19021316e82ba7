/** Paying through the local payment gateway as a citizen's browser does: open the page, press a button. */
export type SandboxButton = 'approve' | 'decline' | 'cancel' | 'expire';

export async function createPayment(portalUrl: string, token: string, code: string, key: string) {
  const res = await fetch(`${portalUrl}/v1/dossiers/${code}/payments`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'idempotency-key': key },
  });
  return {
    status: res.status,
    body: (await res.json()) as Record<string, unknown> & { paymentId: string; redirectUrl: string },
  };
}

/** Opens the gateway page at `redirectUrl` and presses `button`; returns where the browser is sent back. */
export async function pressOnGatewayPage(redirectUrl: string, button: SandboxButton) {
  const page = await fetch(redirectUrl);
  const html = await page.text();
  if (page.status !== 200) throw new Error(`gateway page answered ${page.status}: ${html}`);
  const action = new RegExp(`action="([^"]+/${button})"`).exec(html)?.[1];
  if (!action) throw new Error(`no ${button} button on the gateway page`);
  const pressed = await fetch(new URL(action, redirectUrl), { method: 'POST', redirect: 'manual' });
  await pressed.arrayBuffer();
  return { status: pressed.status, location: pressed.headers.get('location') ?? '' };
}
