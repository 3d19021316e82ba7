/**
 * The service index in the browser: from the statistics page to the ranking (sortable by group), one
 * agency's months as an SVG chart with its table, and where it loses points — from dossiers an agency
 * really acknowledged and decided and a citizen really rated; desktop and phone, axe on every screen.
 */
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { monthOf } from '../../functions/stats/counters.js';
import type { LocalPortal } from '../../lib/local/portal.js';
import { seedAgencyMonth, untilMonthCounted } from '../support/agency-month.js';
import { startTestPortal } from '../support/local-portal.js';
import type { Json } from '../support/portal-api.js';
import { checkScreen, type Device, launchChromium, openPortalPage } from './support/browser.js';

const AGENCY_NAME = 'Bảo hiểm xã hội thành phố Hà Nội';
let portal: LocalPortal;
let browser: Browser;
/** The agency's index this month as the API answers it. */
let item: Json;
const month = monthOf(new Date().toISOString());

beforeAll(async () => {
  portal = await startTestPortal();
  await seedAgencyMonth(portal, 'web-index-citizen', 'web-index');
  // The counters follow the table's stream.
  item = await untilMonthCounted(portal, month);
  browser = await launchChromium();
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await portal?.stop();
});

const vi = (n: number) => n.toLocaleString('vi-VN');

describe.each<Device>(['desktop', 'phone'])('the service index on a %s', (device) => {
  it('ranks agencies, sorts by a group, and shows where an agency loses points', {
    timeout: 60_000,
  }, async () => {
    const { page, context, violations } = await openPortalPage(browser, device);
    await page.goto(`${portal.webUrl}thong-ke`);
    await page.getByRole('link', { name: /Chỉ số phục vụ người dân, doanh nghiệp \(Quyết định 766/ }).click();
    await page.getByRole('heading', { level: 1, name: 'Chỉ số phục vụ người dân, doanh nghiệp' }).waitFor();
    const ranking = page.locator('#index-ranking');
    const row = ranking.getByRole('row', { name: new RegExp(AGENCY_NAME) });
    await row.waitFor();
    const cells = await row.locator('td').allTextContents();
    expect(cells[0]).toBe('1');
    expect(cells[1]).toBe(vi(item.score));
    // Digitisation: no electronic result, 0 of 12 points measured.
    expect(cells).toContain('0 / 12');
    await checkScreen(page, `service-index-ranking-${device}`);

    // Sorted by a group: that column says so.
    await page.getByRole('button', { name: 'Sắp xếp theo Số hóa hồ sơ (/22)' }).click();
    await expect(
      ranking
        .locator('th', { has: page.getByRole('button', { name: /Số hóa hồ sơ/ }) })
        .getAttribute('aria-sort'),
    ).resolves.toBe('descending');

    // The agency's year: an SVG image with its text alternative, the table, and its losses.
    await row.getByRole('link', { name: AGENCY_NAME }).click();
    await page.getByRole('heading', { name: `${AGENCY_NAME}: 12 tháng gần nhất` }).waitFor();
    const chart = page.getByRole('img', { name: new RegExp(`Điểm chỉ số theo tháng — ${AGENCY_NAME}`) });
    await chart.waitFor();
    await expect(chart.locator('desc').textContent()).resolves.toContain(vi(item.score));
    const months = page.locator('#index-agency-table tbody tr');
    await expect(months.count()).resolves.toBe(12);
    await expect(months.last().locator('td').first().textContent()).resolves.toBe(vi(item.score));
    const losses = page.locator('#index-losses tbody tr');
    await expect(losses.first().locator('th').textContent()).resolves.toBe('Kết quả giải quyết cấp điện tử');
    await expect(losses.first().locator('td').last().textContent()).resolves.toBe('12');
    await checkScreen(page, `service-index-agency-${device}`);
    expect(violations).toEqual([]);
    await context.close();
  });
});
