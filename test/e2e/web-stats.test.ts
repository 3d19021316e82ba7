/**
 * Journey 7 in the browser: the published statistics of agencies and provinces — on-time rate, overdue
 * now, satisfaction, petitions answered on time — month by month, as bars with a table holding the same
 * figures, from dossiers an agency really finished and a citizen really rated; desktop and phone, axe on
 * every screen.
 */
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { monthOf } from '../../functions/stats/counters.js';
import type { LocalPortal } from '../../lib/local/portal.js';
import { MONTH_AGENCY as AGENCY, seedAgencyMonth } from '../support/agency-month.js';
import { startTestPortal } from '../support/local-portal.js';
import { type Json, portalApi } from '../support/portal-api.js';
import { until } from '../support/wait.js';
import { checkScreen, type Device, launchChromium, navLink, openPortalPage } from './support/browser.js';

const AGENCY_NAME = 'Bảo hiểm xã hội thành phố Hà Nội';
let portal: LocalPortal;
let browser: Browser;
const api = portalApi(() => portal.url);
const month = monthOf(new Date().toISOString());

beforeAll(async () => {
  portal = await startTestPortal();
  // Two dossiers: one finished on time and rated 5, one still in progress.
  await seedAgencyMonth(portal, 'web-stats-citizen', 'web-stats');
  // The counters follow the table's stream.
  await until('the month counted', async () => {
    const row = (await api('GET', `/v1/stats/agencies?month=${month}`)).body.items.find(
      (x: Json) => x.agencyId === AGENCY,
    );
    return row?.completed === 1 && row?.ratings === 1 && row?.received === 2 ? row : undefined;
  });
  browser = await launchChromium();
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await portal?.stop();
});

describe.each<Device>(['desktop', 'phone'])('published statistics on a %s', (device) => {
  it('shows the agencies of the month, the area month by month, and one agency over a year', {
    timeout: 60_000,
  }, async () => {
    const { page, context, violations } = await openPortalPage(browser, device);
    await page.goto(portal.webUrl);
    await (await navLink(page, 'Thống kê')).click();
    await page.getByRole('heading', { level: 1, name: 'Thống kê công khai' }).waitFor();
    const table = page.locator('#agencies-table');
    const row = table.getByRole('row', { name: new RegExp(AGENCY_NAME) });
    await row.waitFor();
    // Received 2, completed 1, on time 100%, none overdue, satisfied 100%, no petitions answered.
    const cells = await row.locator('td').allTextContents();
    expect(cells.slice(1)).toEqual(['2', '1', '100%', '0', '100%', '—']);
    // The same figure drawn as a bar, hidden from screen readers who read the table.
    const bars = page.locator('figure.chart').nth(1);
    await expect(bars.getByText(AGENCY_NAME).count()).resolves.toBe(1);
    await expect(bars.locator('ul').getAttribute('aria-hidden')).resolves.toBe('true');
    // The whole country's months: this month is the last row.
    const trend = page.getByRole('table', { name: /Cả nước: 6 tháng gần nhất/ });
    await expect(trend.locator('tbody tr').count()).resolves.toBe(6);
    await expect(trend.locator('tbody tr').last().locator('td').allTextContents()).resolves.toEqual(
      expect.arrayContaining(['100%']),
    );
    await checkScreen(page, `stats-month-${device}`);

    // Per province: Hà Nội keeps the agency; the commune level has none of it. Hà Nội's figures are held
    // back until the next choice is made: when they arrive, the page draws them and the choice stays.
    const held: Array<() => void> = [];
    const arrived: Promise<unknown>[] = [];
    const hanoi = (u: URL) => u.pathname === '/v1/stats/agencies' && u.searchParams.get('province') === '01';
    await page.route(hanoi, (route) => {
      arrived.push(page.waitForResponse((r) => r.request() === route.request()));
      held.push(() => void route.continue());
    });
    await page.getByLabel('Tỉnh, thành phố').selectOption('01');
    await page.getByRole('button', { name: 'Xem', exact: true }).click();
    await page.waitForURL(/province=01/);
    await page.getByRole('heading', { name: 'Thành phố Hà Nội: 6 tháng gần nhất' }).waitFor();
    await expect.poll(() => held.length).toBe(6);
    await page.getByLabel('Cấp cơ quan').selectOption('commune');
    for (const release of held) release();
    await Promise.all(arrived);
    await page.unroute(hanoi);
    await row.waitFor();
    await page.evaluate('new Promise((drawn) => requestAnimationFrame(() => setTimeout(drawn)))');
    await expect(page.getByLabel('Cấp cơ quan').inputValue()).resolves.toBe('commune');
    await page.getByRole('button', { name: 'Xem', exact: true }).click();
    await page.waitForURL(/level=commune/);
    await page.getByText('Chưa có số liệu cho lựa chọn này.').waitFor();
    await page.getByLabel('Cấp cơ quan').selectOption('');
    await page.getByRole('button', { name: 'Xem', exact: true }).click();
    await page.waitForURL((u) => !u.search.includes('level='));

    // One agency over twelve months, with the total.
    await row.getByRole('link', { name: AGENCY_NAME }).click();
    await page.getByRole('heading', { name: `${AGENCY_NAME}: 12 tháng gần nhất` }).waitFor();
    const series = page.locator('#agency-table');
    await expect(series.locator('tbody tr').count()).resolves.toBe(12);
    await expect(series.locator('tbody tr').last().locator('td').allTextContents()).resolves.toEqual([
      '2',
      '1',
      '100%',
      '100%',
      '—',
    ]);
    await expect(series.locator('tfoot td').allTextContents()).resolves.toEqual([
      '2',
      '1',
      '100%',
      '100%',
      '—',
    ]);
    await page.getByText('Hiện đang có 0 hồ sơ quá hạn và 0 phản ánh quá hạn.').waitFor();
    await checkScreen(page, `stats-agency-${device}`);
    expect(violations).toEqual([]);
    await context.close();
  });
});
