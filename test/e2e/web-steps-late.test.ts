/**
 * A step that ran late, in the browser. A dossier is filed through the API and taken in by the agency
 * simulator; the agency's signed callback finishes step 1 days after the step was due (the portal stamps
 * agency events with its own clock, so the test moves the clock of the process the local portal runs in
 * for that one callback, as the callback would arrive days later). The owner's dossier page says the step
 * is late by as many working days as the API counts — "Trễ N ngày làm việc" — and that an apology with a
 * new date (form 04) is owed; public tracking says the same. axe-core finds nothing, on a desktop and on a
 * 390 px phone.
 */
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { LocalPortal } from '../../lib/local/portal.js';
import { type AgencySecrets, readAgencySecrets, signedAgencyCall } from '../support/agency-callbacks.js';
import { bhytForm } from '../support/forms.js';
import { startTestPortal } from '../support/local-portal.js';
import { type Json, portalClient } from '../support/portal-api.js';
import { until } from '../support/wait.js';
import { checkScreen, launchChromium, openPortalPage } from './support/browser.js';

const AGENCY = 'bhxh-hn';
const SPECIALIST = { id: 'bhxh-hn-cv-09', displayName: 'Chuyên viên Phan Quốc Bảo' };
const DAY = 86_400_000;

let portal: LocalPortal;
let browser: Browser;
let token: string;
let secrets: AgencySecrets;
const { api } = portalClient(() => portal.url);

beforeAll(async () => {
  portal = await startTestPortal();
  browser = await launchChromium();
  token = await portal.token({ sub: 'citizen-an', role: 'citizen' });
  secrets = await readAgencySecrets(portal);
}, 120_000);

afterAll(async () => {
  vi.useRealTimers();
  await browser?.close();
  await portal?.stop();
});

/** The agency's callback as it arrives at `at`: the portal's clock (this process's) reads `at` meanwhile. */
async function reportAt(at: Date, event: Json) {
  vi.useFakeTimers({ toFake: ['Date'], now: at });
  try {
    const res = await signedAgencyCall(portal, secrets, '/v1/agency/events', AGENCY, event);
    expect(res.status, res.text).toBe(200);
  } finally {
    vi.useRealTimers();
  }
}

async function signIn(page: Page, path: string) {
  await page.goto(`${portal.webUrl}${path.slice(1)}`);
  await page.getByRole('button', { name: 'Đăng nhập' }).first().click();
  await page.waitForURL(/\/dev\/oauth2\/authorize/);
  await page.getByRole('button', { name: /Nguyễn Văn An/ }).click();
  await page.waitForURL((url) => url.pathname === path);
}

describe('a late step', () => {
  it('reads "Trễ N ngày làm việc" on the owner\'s dossier page and on public tracking', async () => {
    const res = await api('POST', '/v1/dossiers', {
      token,
      key: `web-steps-late-${Date.now()}`,
      body: { procedureCode: '1.002758', form: bhytForm, attachments: [] },
    });
    expect(res.status, res.text).toBe(201);
    const { code, trackingKey } = res.body.dossiers[0] as { code: string; trackingKey: string };
    const started = await until(`${code}'s step 1 under way`, async () => {
      const d = (await api('GET', `/v1/dossiers/${code}`, { token })).body;
      return d?.status === 'in_progress' && d.steps?.[1]?.startedAt ? d : undefined;
    });
    // Half a working day allowed; finished four calendar days after it was due (a weekend may fall inside).
    await reportAt(new Date(Date.parse(started.steps[1].dueAt) + 4 * DAY), {
      type: 'dossier.step_completed',
      dossierCode: code,
      step: 'step-1',
      officer: SPECIALIST,
    });
    const view = (await api('GET', `/v1/dossiers/${code}`, { token })).body;
    const step1 = view.steps[1];
    expect(step1).toMatchObject({ id: 'step-1', state: 'late', apologyRequired: true });
    const late = step1.lateByWorkingDays as number;
    expect(late).toBeGreaterThanOrEqual(1);

    for (const device of ['desktop', 'phone'] as const) {
      const { page, context, violations } = await openPortalPage(browser, device);
      if (device === 'phone') await page.setViewportSize({ width: 390, height: 844 });
      await signIn(page, `/ho-so-cua-toi/${code}`);
      const card = page.locator('#dossier-steps-step-1');
      await card.getByText(`Trễ ${late} ngày làm việc`, { exact: true }).waitFor();
      await card.getByText('Cần thư xin lỗi', { exact: true }).waitFor();
      await expect(card.textContent()).resolves.toContain(SPECIALIST.displayName);
      // The step before it was on time.
      await page.locator('#dossier-steps-reception').getByText('Đúng hạn', { exact: true }).waitFor();
      await checkScreen(page, `steps-late-${device}`);
      // In English, as many working days.
      await page.getByRole('button', { name: 'Switch to English' }).click();
      await card.getByText(`${late} working ${late === 1 ? 'day' : 'days'} late`, { exact: true }).waitFor();
      await page.getByRole('button', { name: 'Chuyển sang tiếng Việt' }).click();

      // Public tracking: late too, without the officer.
      await page.goto(`${portal.webUrl}tra-cuu`);
      await page.getByLabel('Mã hồ sơ').fill(code);
      await page.getByLabel('Mã tra cứu').fill(trackingKey);
      await page.getByRole('button', { name: 'Tra cứu' }).click();
      const tracked = page.locator('#tracked-steps-step-1');
      await tracked.getByText(`Trễ ${late} ngày làm việc`, { exact: true }).waitFor();
      await expect(tracked.textContent()).resolves.not.toContain(SPECIALIST.displayName);
      await checkScreen(page, `steps-late-track-${device}`);
      expect(violations).toEqual([]);
      await context.close();
    }
  }, 180_000);
});
