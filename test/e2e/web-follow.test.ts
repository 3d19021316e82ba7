/**
 * Journey 5 in the browser: a citizen follows dossiers filed through the API while the agency (signed
 * callbacks, as its system would send) moves them. The list is filtered by status and procedure; the
 * dossier page shows its timeline in Vietnamese, its due date and the fee; the citizen answers a
 * request to supplement with a note and a scan sent through the presigned upload form, then gets and
 * downloads the electronic result, confirms receiving it and rates the service; another dossier is
 * withdrawn after a confirmation, by keyboard alone on the desktop. axe-core finds nothing on any
 * screen, on a desktop and on a 360 px phone, and the page breaks no content security policy.
 */
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LocalPortal } from '../../lib/local/portal.js';
import { type AgencySecrets, readAgencySecrets, signedAgencyCall } from '../support/agency-callbacks.js';
import { bhytForm } from '../support/forms.js';
import { startTestPortal } from '../support/local-portal.js';
import { portalClient } from '../support/portal-api.js';
import { SCAN_HEADS } from '../support/scans.js';
import { until } from '../support/wait.js';
import { checkScreen, type Device, launchChromium, openPortalPage } from './support/browser.js';

const PROCEDURE = '1.002758';
const AGENCY = 'bhxh-hn';
const SUB = 'citizen-an';

let portal: LocalPortal;
let browser: Browser;
let token: string;
let secrets: AgencySecrets;
const { api } = portalClient(() => portal.url);

beforeAll(async () => {
  portal = await startTestPortal();
  browser = await launchChromium();
  token = await portal.token({ sub: SUB, role: 'citizen' });
  secrets = await readAgencySecrets(portal);
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await portal?.stop();
});

const pdf = (name: string) => ({
  name,
  mimeType: 'application/pdf',
  buffer: Buffer.concat([SCAN_HEADS['application/pdf']!, Buffer.alloc(20_000, 0x20)]),
});

let filed = 0;
/** Files a dossier as the citizen and waits until the agency has taken it up. */
async function fileDossier(): Promise<string> {
  const res = await api('POST', '/v1/dossiers', {
    token,
    key: `web-follow-${process.pid}-${++filed}`,
    body: { procedureCode: PROCEDURE, form: bhytForm, attachments: [] },
  });
  expect(res.status, res.text).toBe(201);
  const code = res.body.dossiers[0].code as string;
  await until('the agency to take the dossier up', async () =>
    (await api('GET', `/v1/dossiers/${code}`, { token })).body.status === 'in_progress' ? true : undefined,
  );
  return code;
}

async function report(event: Record<string, unknown>) {
  const res = await signedAgencyCall(portal, secrets, '/v1/agency/events', AGENCY, event);
  expect(res.status, res.text).toBe(200);
}

async function signIn(page: Page, path: string) {
  await page.goto(`${portal.webUrl}${path.slice(1)}`);
  await page.getByRole('button', { name: 'Đăng nhập' }).first().click();
  await page.waitForURL(/\/dev\/oauth2\/authorize/);
  await page.getByRole('button', { name: /Nguyễn Văn An/ }).click();
  await page.waitForURL((url) => url.pathname === path);
}

/** Presses Tab until the focused element matches `selector` (keyboard only, as a citizen would). */
async function tabTo(page: Page, selector: string, max = 80) {
  for (let i = 0; i < max; i++) {
    await page.keyboard.press('Tab');
    if (await page.evaluate((s) => document.activeElement?.matches(s) ?? false, selector)) return;
  }
  throw new Error(`Tab never reached ${selector}`);
}

/** Waits until the element with this id has the focus (the page moves it after drawing). */
async function expectFocus(page: Page, id: string) {
  await page
    .waitForFunction((x) => document.activeElement?.id === x, id, { timeout: 5_000 })
    .catch(async () => {
      throw new Error(`focus is on #${await page.evaluate(() => document.activeElement?.id)}, not #${id}`);
    });
}

describe.each<Device>(['desktop', 'phone'])('following dossiers on a %s', (device) => {
  it('filters, supplements, downloads the result, rates, and withdraws another', async () => {
    const asked = await fileDossier();
    const other = await fileDossier();
    await report({
      type: 'dossier.supplement_requested',
      dossierCode: asked,
      note: 'Đề nghị bổ sung ảnh chụp thẻ bảo hiểm y tế bị hỏng',
      // One document of the procedure, and one paper described in the agency's own words.
      missingDocuments: ['damaged_card', 'Bản sao giấy khai sinh'],
      supplementDueAt: new Date(Date.now() + 5 * 86_400_000).toISOString(),
    });

    const { page, context, violations } = await openPortalPage(browser, device);
    await signIn(page, '/ho-so-cua-toi');
    await page.getByRole('heading', { level: 1, name: 'Hồ sơ của tôi' }).waitFor();
    const list = page.locator('#my-dossiers');
    await list.getByText(asked).waitFor();
    await list.getByText(other).waitFor();
    await checkScreen(page, `follow-list-${device}`);

    // Filtered by status and procedure: the dossier waiting for documents, not the other one.
    await page.getByLabel('Trạng thái', { exact: true }).selectOption('supplement_requested');
    await page.getByLabel('Thủ tục', { exact: true }).selectOption(PROCEDURE);
    await page.getByRole('button', { name: 'Lọc', exact: true }).click();
    await page.waitForURL(/status=supplement_requested/);
    expect(new URL(page.url()).searchParams.get('procedure')).toBe(PROCEDURE);
    await list.getByText(other).waitFor({ state: 'detached' });
    await list.getByText(asked).waitFor();
    await page.locator('#mine-count', { hasText: /^Đang hiện \d+ hồ sơ/ }).waitFor();
    await checkScreen(page, `follow-list-filtered-${device}`);

    // The dossier page: its timeline in words, the due date in Vietnam's time, the agency's request.
    await list.getByRole('link', { name: new RegExp(asked) }).click();
    await page.waitForURL((url) => url.pathname === `/ho-so-cua-toi/${asked}`);
    await page.getByRole('heading', { level: 1, name: `Hồ sơ ${asked}` }).waitFor();
    const timeline = page.locator('#dossier-timeline');
    await timeline.getByText('Yêu cầu bổ sung hồ sơ').waitFor();
    expect(await timeline.textContent()).toContain('Cơ quan tiếp nhận hồ sơ');
    const view = (await api('GET', `/v1/dossiers/${asked}`, { token })).body;
    // Vietnam's time, to the minute ("17:00 10/12/2026").
    const vn = new Date(new Date(view.dueAt).getTime() + 7 * 3_600_000);
    const dueVn = `${vn.toISOString().slice(11, 16)} ${vn.getUTCDate()}/${vn.getUTCMonth() + 1}/${vn.getUTCFullYear()}`;
    await expect(page.locator('#dossier-due').textContent()).resolves.toContain(dueVn);
    await expect(page.locator('#supplement-ask').textContent()).resolves.toContain('ảnh chụp thẻ');
    // What to add, by the procedure's name of the document the agency named.
    await expect(page.locator('#supplement-missing li').allTextContents()).resolves.toEqual([
      expect.stringMatching(/thẻ/i),
      'Bản sao giấy khai sinh',
    ]);
    // The described paper can be sent as what the agency asked for.
    await expect(
      page.getByLabel('Loại giấy tờ 1', { exact: true }).locator('option').allTextContents(),
    ).resolves.toContain('Giấy tờ cơ quan yêu cầu: Bản sao giấy khai sinh');
    await checkScreen(page, `follow-supplement-${device}`);

    // Sent without a scan: the page says so and moves the focus to its summary.
    await page.getByRole('button', { name: 'Gửi bổ sung' }).click();
    await page
      .getByRole('alert')
      .getByText(/Bản chụp giấy tờ 1/)
      .waitFor();
    await page.waitForFunction(() => document.activeElement?.className === 'error-summary');

    const keys: string[] = [];
    page.on('request', (r) => {
      if (r.method() === 'POST' && r.url().endsWith(`/v1/dossiers/${asked}/supplements`))
        keys.push(r.headers()['idempotency-key'] ?? '');
    });
    await page.getByLabel('Bản chụp giấy tờ 1', { exact: true }).setInputFiles(pdf('the-hong.pdf'));
    await page.getByText('Đã tải lên: the-hong.pdf').waitFor();
    await page.getByLabel(/^Ghi chú gửi cơ quan/).fill('Gửi bổ sung ảnh chụp thẻ bị rách.');
    await page.getByRole('button', { name: 'Gửi bổ sung' }).click();
    await page.getByText('Đã gửi bổ sung.').waitFor();
    await page.locator('#dossier-status').getByText('Đã bổ sung').waitFor();
    expect(keys).toHaveLength(1);
    expect(keys[0]).toMatch(/^[0-9a-f-]{36}$/);
    const supplemented = (await api('GET', `/v1/dossiers/${asked}`, { token })).body;
    expect(supplemented.attachments.map((a: { fileName: string }) => a.fileName)).toContain('the-hong.pdf');
    expect(supplemented.timeline.at(-1).note).toBe('Gửi bổ sung ảnh chụp thẻ bị rách.');
    await checkScreen(page, `follow-supplemented-${device}`);

    // The agency approves and issues an electronic result: the citizen downloads it and confirms.
    const result = Buffer.from(`%PDF-1.7 the BHYT dien tu ${device}`);
    await report({ type: 'dossier.approved', dossierCode: asked });
    await report({
      type: 'dossier.result_issued',
      dossierCode: asked,
      result: {
        kind: 'electronic',
        fileName: 'the-bhyt.pdf',
        contentType: 'application/pdf',
        contentBase64: result.toString('base64'),
      },
    });
    await page.reload();
    await page.getByRole('heading', { level: 2, name: 'Kết quả giải quyết' }).waitFor();
    await page.getByRole('button', { name: 'Xem kết quả' }).click();
    const link = page.locator('#result-link');
    await link.waitFor();
    await expect(link.textContent()).resolves.toContain('Tải kết quả: the-bhyt.pdf');
    await expectFocus(page, 'result-link');
    const downloaded = await page.request.get((await link.getAttribute('href'))!);
    expect(Buffer.from(await downloaded.body())).toEqual(result);
    await checkScreen(page, `follow-result-${device}`);
    await page.getByRole('button', { name: 'Tôi đã nhận kết quả' }).click();
    await page.getByText('Cảm ơn bạn. Hồ sơ đã hoàn thành.').waitFor();
    await page.locator('#dossier-status').getByText('Hoàn thành').waitFor();

    // Rating: the overall mark is required; the criteria are the survey's.
    await page.getByRole('heading', { name: 'Đánh giá chất lượng phục vụ' }).waitFor();
    await page.getByRole('button', { name: 'Gửi đánh giá' }).click();
    await page
      .getByRole('alert')
      .getByText(/Mức độ hài lòng chung/)
      .waitFor();
    await page
      .getByRole('group', { name: /^Mức độ hài lòng chung/ })
      .getByLabel('4 — Hài lòng')
      .check();
    await page
      .getByRole('group', { name: /^Thời gian giải quyết đúng hẹn/ })
      .getByLabel('5 — Rất hài lòng')
      .check();
    await page.getByLabel(/^Góp ý thêm/).fill('Cán bộ hướng dẫn nhiệt tình.');
    // The rating may name the steps it is about, as the dossier's plan lists them.
    const stepsAsked = page.getByRole('group', { name: /^Đánh giá này nói về bước nào/ });
    await stepsAsked.getByLabel('1. Tiếp nhận hồ sơ').check();
    await checkScreen(page, `follow-rate-${device}`);
    // A step the dossier does not have (as a stale page might send): the API's refusal shows on the steps.
    await page.route(`**/v1/dossiers/${asked}/rating`, (route) =>
      route.continue({ postData: JSON.stringify({ ...route.request().postDataJSON(), steps: ['step-9'] }) }),
    );
    await page.getByRole('button', { name: 'Gửi đánh giá' }).click();
    await page.locator('#rate-steps-error').getByText('Bước này không thuộc hồ sơ.').waitFor();
    await expect(page.getByRole('alert').textContent()).resolves.toContain('Đánh giá này nói về bước nào?');
    await checkScreen(page, `follow-rate-unknown-step-${device}`);
    await page.unroute(`**/v1/dossiers/${asked}/rating`);
    const sentRating = page.waitForRequest((r) => r.url().endsWith('/rating') && r.method() === 'POST');
    await page.getByRole('button', { name: 'Gửi đánh giá' }).click();
    expect((await sentRating).postDataJSON()).toMatchObject({ overall: 4, steps: ['reception'] });
    await page.getByText('Cảm ơn bạn đã đánh giá.').waitFor();
    // Once only: the API refuses a second rating.
    const again = await api('POST', `/v1/dossiers/${asked}/rating`, { token, body: { overall: 1 } });
    expect(again.status).toBe(409);
    // A fresh load shows the rating given, not the form.
    await page.reload();
    await page.getByText('Bạn đã đánh giá hồ sơ này.').waitFor();
    await expect(page.locator('#rate-given').textContent()).resolves.toContain('4 — Hài lòng');
    await expect(page.locator('#rate-given').textContent()).resolves.toContain('Tiếp nhận hồ sơ');
    expect(await page.getByRole('button', { name: 'Gửi đánh giá' }).count()).toBe(0);

    // Withdraw the other dossier after a confirmation (by keyboard alone on the desktop).
    await page.goto(`${portal.webUrl}ho-so-cua-toi/${other}`);
    await page.getByRole('heading', { level: 1, name: `Hồ sơ ${other}` }).waitFor();
    if (device === 'desktop') {
      await tabTo(page, 'section[aria-labelledby="withdraw-heading"] button');
      await page.keyboard.press('Enter');
      await expectFocus(page, 'withdraw-confirm');
      await checkScreen(page, `follow-withdraw-confirm-${device}`);
      await tabTo(page, 'button[type="submit"]');
      await page.keyboard.press('Enter');
      await page
        .getByRole('alert')
        .getByText(/Lý do rút hồ sơ/)
        .waitFor();
      await page.waitForFunction(() => document.activeElement?.className === 'error-summary');
      await tabTo(page, '#withdraw-reason');
      await page.keyboard.type('Tôi nộp nhầm thủ tục.');
      await tabTo(page, 'button[type="submit"]');
      await page.keyboard.press('Enter');
    } else {
      await page.getByRole('button', { name: 'Rút hồ sơ' }).click();
      await page.getByRole('heading', { name: 'Xác nhận rút hồ sơ' }).waitFor();
      await checkScreen(page, `follow-withdraw-confirm-${device}`);
      await page.getByLabel('Lý do rút hồ sơ').fill('Tôi nộp nhầm thủ tục.');
      await page.getByRole('button', { name: 'Xác nhận rút hồ sơ' }).click();
    }
    await page.getByText('Hồ sơ đã được rút.').waitFor();
    await page.locator('#dossier-status').getByText('Đã rút').waitFor();
    await expectFocus(page, 'dossier-heading');
    expect((await api('GET', `/v1/dossiers/${other}`, { token })).body.status).toBe('withdrawn');
    await checkScreen(page, `follow-withdrawn-${device}`);
    // In English on request.
    await page.getByRole('button', { name: 'Switch to English' }).click();
    await page.getByRole('heading', { level: 1, name: `Dossier ${other}` }).waitFor();
    await page.locator('#dossier-timeline').getByText('Withdrawn').waitFor();
    await page.locator('#dossier-notice').getByText('The dossier has been withdrawn.').waitFor();
    await checkScreen(page, `follow-withdrawn-en-${device}`);
    // No personal data in any address the page went to.
    expect(page.url()).not.toContain(bhytForm.citizenId);
    expect(violations).toEqual([]);
    await context.close();
  }, 150_000);
});

it('shows a dossier past its due date as overdue, the date in Vietnam time', async () => {
  const code = await fileDossier();
  const { page, context, violations } = await openPortalPage(browser, 'phone');
  // The API decides overdue; here its answer is moved a week back, as it would read after the deadline.
  const dueAt = '2026-11-30T10:00:00.000Z';
  await page.route(`**/v1/dossiers/${code}`, async (route) => {
    const res = await route.fetch();
    const body = await res.json();
    await route.fulfill({ response: res, json: { ...body, dueAt, overdue: true } });
  });
  await signIn(page, `/ho-so-cua-toi/${code}`);
  await page.getByRole('heading', { level: 1, name: `Hồ sơ ${code}` }).waitFor();
  const due = page.locator('#dossier-due');
  await due.getByText('Đã quá hạn trả kết quả.').waitFor();
  // 10:00 UTC is 17:00 in Hà Nội, whatever the browser's own zone (New York here).
  await expect(due.textContent()).resolves.toContain('17:00 30/11/2026');
  await expect(due.textContent()).resolves.not.toMatch(/\d:\d\d:\d\d/);
  await expect(page.locator('#dossier-status').textContent()).resolves.toContain('quá hạn');
  await checkScreen(page, 'follow-overdue-phone');
  expect(violations).toEqual([]);
  await context.close();
}, 90_000);
