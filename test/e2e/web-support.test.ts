/**
 * The support desk in the browser. Signed out, a visitor on a procedure's page presses "Đặt câu hỏi" and
 * is asked to sign in; back on the ask page the procedure is already chosen, and the citizen asks with a
 * scan uploaded through the presigned form. The desk (a support_agent token, through the API) asks for
 * more; the citizen adds it on the question's page; the desk answers; the citizen finds it under
 * "Hỏi đáp – Hỗ trợ", reads the answer, closes the question and rates it. From a dossier's own page,
 * "Hỏi về hồ sơ này" opens the ask page with the dossier chosen, and the question goes to the agency
 * handling it, which answers by its signed callback; the citizen reopens it once. The statistics page
 * shows the month's published support figures. axe-core finds nothing on any screen, on a desktop and
 * on a 390 px phone.
 */
import { randomUUID } from 'node:crypto';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LocalPortal } from '../../lib/local/portal.js';
import { type AgencySecrets, readAgencySecrets, signedAgencyCall } from '../support/agency-callbacks.js';
import { bhytForm } from '../support/forms.js';
import { startTestPortal } from '../support/local-portal.js';
import { type Json, portalClient } from '../support/portal-api.js';
import { SCAN_HEADS } from '../support/scans.js';
import { until } from '../support/wait.js';
import { checkScreen, type Device, launchChromium, navLink, openPortalPage } from './support/browser.js';

/** Đổi giấy phép lái xe (Bộ Công an), online on the portal. */
const PROCEDURE = '1.002804';
const SUB = 'citizen-an';

let portal: LocalPortal;
let browser: Browser;
let citizen: string;
let desk: string;
let secrets: AgencySecrets;
const { api } = portalClient(() => portal.url);

beforeAll(async () => {
  portal = await startTestPortal();
  browser = await launchChromium();
  citizen = await portal.token({ sub: SUB, role: 'citizen' });
  // The national desk: a question that names no province is its to answer.
  desk = await portal.token({ sub: 'web-support-desk', role: 'support_agent' });
  secrets = await readAgencySecrets(portal);
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await portal?.stop();
});

const png = (name: string) => ({
  name,
  mimeType: 'image/png',
  buffer: Buffer.concat([SCAN_HEADS['image/png']!, Buffer.alloc(8_000, 1)]),
});

/** The phone the brief measures against: 390 px wide. */
async function open(device: Device) {
  const opened = await openPortalPage(browser, device);
  if (device === 'phone') await opened.page.setViewportSize({ width: 390, height: 844 });
  return opened;
}

/** Nothing wider than the screen: a page wider than a phone makes the citizen scroll sideways. */
async function fitsScreen(page: Page) {
  const { width, screen } = await page.evaluate(() => ({
    width: document.documentElement.scrollWidth,
    screen: window.innerWidth,
  }));
  expect(width).toBeLessThanOrEqual(screen);
}

/** From the sign-in prompt of a signed-in page, as Nguyễn Văn An; back on `path` (with its query). */
async function signInFrom(page: Page, path: string) {
  await page.locator('main').getByRole('button', { name: 'Đăng nhập' }).click();
  await page.waitForURL(/\/dev\/oauth2\/authorize/);
  await page.getByRole('button', { name: /Nguyễn Văn An/ }).click();
  await page.waitForURL((url) => `${url.pathname}${url.search}` === path);
}

const act = async (code: string, body: Json) => {
  const res = await api('POST', `/v1/support/tickets/${code}/actions`, { token: desk, body });
  expect(res.status, res.text).toBe(200);
  return res.body;
};

const SUBJECT: Record<Device, string> = {
  desktop: 'Đổi giấy phép lái xe hạng B2 đã quá hạn',
  phone: 'Đổi giấy phép lái xe khi đang ở tỉnh khác',
};
const ANSWER =
  'Giấy phép quá hạn dưới 3 tháng được đổi trực tuyến trên Cổng: chọn thủ tục "Đổi giấy phép lái xe", ' +
  'tải ảnh giấy phép cũ và giấy khám sức khỏe.';

describe.each<Device>(['desktop', 'phone'])('the support desk on a %s', (device) => {
  it('asks about a procedure with a scan, adds what the desk asked for, reads the answer, closes and rates', async () => {
    const { page, context, violations } = await open(device);
    // Signed out on the procedure's page: its FAQ section offers to ask.
    await page.goto(`${portal.webUrl}thu-tuc/${PROCEDURE}`);
    await page.getByRole('heading', { level: 2, name: 'Câu hỏi thường gặp' }).waitFor();
    await page.locator('#procedure-ask').getByRole('link', { name: 'Đặt câu hỏi' }).click();
    const askPath = `/ho-tro/hoi?thu-tuc=${PROCEDURE}`;
    await page.waitForURL((url) => `${url.pathname}${url.search}` === askPath);
    await page.getByText('Vui lòng đăng nhập để xem trang này.').waitFor();
    await checkScreen(page, `support-signed-out-${device}`);
    await signInFrom(page, askPath);

    // The procedure is chosen already; the rest is the citizen's to write.
    await page.getByRole('heading', { level: 1, name: 'Đặt câu hỏi' }).waitFor();
    await expect(page.getByLabel('Một thủ tục hành chính').isChecked()).resolves.toBe(true);
    await page.locator('#ask-procedure-chosen').getByText(`(${PROCEDURE})`).waitFor();
    await checkScreen(page, `support-ask-${device}`);

    // Nothing written: the page names what is missing, beside each field.
    await page.getByRole('button', { name: 'Gửi câu hỏi' }).click();
    const summary = page.getByRole('alert');
    await summary.getByRole('heading', { name: 'Vui lòng sửa các mục sau' }).waitFor();
    await expect(summary.textContent()).resolves.toContain('Tiêu đề: Vui lòng nhập mục này.');
    await expect(page.getByLabel('Nội dung câu hỏi').getAttribute('aria-invalid')).resolves.toBe('true');

    await page.getByLabel('Tiêu đề').fill(SUBJECT[device]);
    await page
      .getByLabel('Nội dung câu hỏi')
      .fill('Giấy phép lái xe của tôi hết hạn 2 tháng. Tôi có đổi trực tuyến được không, cần giấy tờ gì?');
    await page.getByLabel('Tệp 1').setInputFiles(png('giay-phep-cu.png'));
    await page.getByText('Đã tải lên: giay-phep-cu.png').waitFor();
    await checkScreen(page, `support-ask-filled-${device}`);
    await fitsScreen(page);
    const keys: string[] = [];
    page.on('request', (r) => {
      if (r.method() === 'POST' && r.url().endsWith('/v1/support/tickets'))
        keys.push(r.headers()['idempotency-key'] ?? '');
    });
    await page.getByRole('button', { name: 'Gửi câu hỏi' }).click();
    await page.getByRole('heading', { level: 1, name: 'Đã gửi câu hỏi' }).waitFor();
    const code = (await page.locator('#ask-sent-code').textContent())!.match(/HTTT-\d{6}-\d{4,}/)![0];
    expect(keys).toHaveLength(1);
    const asked = (await api('GET', `/v1/support/tickets/${code}`, { token: citizen })).body;
    expect(asked).toMatchObject({ procedureCode: PROCEDURE, subject: SUBJECT[device], status: 'open' });
    expect(asked.attachments).toEqual([expect.objectContaining({ fileName: 'giay-phep-cu.png' })]);
    await checkScreen(page, `support-sent-${device}`);

    // The desk asks for more; the citizen finds the question in the support section and adds it.
    await act(code, { action: 'ask_more', text: 'Giấy phép của bạn hạng gì và do tỉnh nào cấp?' });
    await (await navLink(page, 'Hỏi đáp – Hỗ trợ')).click();
    await page.getByRole('heading', { level: 1, name: 'Hỏi đáp – Hỗ trợ' }).waitFor();
    const mine = page.locator('#my-tickets > li', { hasText: code });
    await mine.getByText('Cần bạn bổ sung thông tin').waitFor();
    await checkScreen(page, `support-mine-${device}`);
    await mine.getByRole('link', { name: new RegExp(code) }).click();
    await page.getByRole('heading', { level: 1, name: `Câu hỏi ${code}` }).waitFor();
    await page.locator('#ticket-messages').getByText('Giấy phép của bạn hạng gì').waitFor();
    await page.locator('#ticket-files').getByText('giay-phep-cu.png').waitFor();
    await checkScreen(page, `support-ask-more-${device}`);
    await page.getByLabel('Thông tin bổ sung').fill('Hạng B2, do Sở Giao thông vận tải Hà Nội cấp năm 2016.');
    await page.getByRole('button', { name: 'Gửi thông tin bổ sung' }).click();
    await page.locator('#ticket-notice').getByText('Đã gửi thông tin bổ sung.').waitFor();
    await page.locator('#ticket-status').getByText('Đang chờ trả lời').waitFor();
    await expect
      .poll(async () => (await api('GET', `/v1/support/tickets/${code}`, { token: desk })).body.status)
      .toBe('open');

    // The desk answers; the page shows it once reloaded, with the choice to close or reopen.
    await act(code, { action: 'answer', text: ANSWER });
    await page.reload();
    await page.locator('#ticket-status').getByText('Đã trả lời').waitFor();
    const answer = page.locator('#ticket-messages > li', { hasText: 'Giấy phép quá hạn dưới 3 tháng' });
    await answer.getByText('Tổng đài hỗ trợ').waitFor();
    await page.getByRole('heading', { level: 2, name: 'Chưa rõ? Mở lại câu hỏi' }).waitFor();
    await checkScreen(page, `support-answered-${device}`);
    await fitsScreen(page);
    await page.getByRole('button', { name: 'Đã rõ, đóng câu hỏi' }).click();
    await page.locator('#ticket-status').getByText('Đã đóng').waitFor();
    await page
      .locator('#ticket-notice')
      .getByText(/Câu hỏi đã đóng/)
      .waitFor();

    // Rating: the missing mark is named, then one rating.
    await page.getByRole('button', { name: 'Gửi đánh giá' }).click();
    await page.locator('#ticket-score-error').getByText('Vui lòng chọn mức độ hài lòng.').waitFor();
    await page.getByLabel('5 — Rất hài lòng').check();
    await page.getByLabel('Góp ý thêm (không bắt buộc)').fill('Trả lời nhanh, dễ hiểu.');
    await checkScreen(page, `support-rate-${device}`);
    await page.getByRole('button', { name: 'Gửi đánh giá' }).click();
    await page.locator('#ticket-rated').getByText('Bạn đã đánh giá: 5 — Rất hài lòng.').waitFor();
    const rated = (await api('GET', `/v1/support/tickets/${code}`, { token: citizen })).body;
    expect(rated).toMatchObject({
      status: 'closed',
      rating: { score: 5, comment: 'Trả lời nhanh, dễ hiểu.' },
    });
    // Rated: no reopening any more.
    await expect(page.getByRole('button', { name: 'Mở lại câu hỏi' }).count()).resolves.toBe(0);
    await checkScreen(page, `support-rated-${device}`);
    await fitsScreen(page);

    // In English on request.
    await page.getByRole('button', { name: 'Switch to English' }).click();
    await page.getByRole('heading', { level: 1, name: `Question ${code}` }).waitFor();
    await page.locator('#ticket-status').getByText('Closed').waitFor();
    await checkScreen(page, `support-rated-en-${device}`);
    await page.getByRole('button', { name: 'Chuyển sang tiếng Việt' }).click();

    // The statistics page publishes the month's figures of the desk, counting this question.
    await page.goto(`${portal.webUrl}thong-ke`);
    const table = page.locator('#support-table');
    await table.waitFor();
    const month = new Date(Date.now() + 7 * 3_600_000).toISOString().slice(0, 7);
    const figures = (await api('GET', `/v1/stats/support?month=${month}`)).body;
    expect(figures.ratings).toBeGreaterThanOrEqual(1);
    const row = table.locator('tbody tr').last();
    await expect(row.locator('th').textContent()).resolves.toBe(
      `Tháng ${Number(month.slice(5))}/${month.slice(0, 4)}`,
    );
    const cells = await row.locator('td').allTextContents();
    expect(cells[0]).toBe(String(figures.tickets));
    expect(cells[2]).toContain(`(${figures.firstAnswerOnTime}/${figures.answered})`);
    expect(cells[4]).toContain(`(${figures.ratings})`);
    await page.getByRole('heading', { level: 2, name: /^Hỗ trợ trực tuyến và tổng đài/ }).waitFor();
    await checkScreen(page, `support-stats-${device}`);

    expect(violations).toEqual([]);
    await context.close();
  }, 180_000);

  it("asks about one of the citizen's dossiers from the dossier's page", async () => {
    const filed = await api('POST', '/v1/dossiers', {
      token: citizen,
      key: `web-support-${device}-${randomUUID()}`,
      body: { procedureCode: '1.002758', form: bhytForm, attachments: [] },
    });
    expect(filed.status, filed.text).toBe(201);
    const dossier = filed.body.dossiers[0].code as string;
    const { page, context, violations } = await open(device);
    await page.goto(`${portal.webUrl}ho-so-cua-toi/${dossier}`);
    await signInFrom(page, `/ho-so-cua-toi/${dossier}`);
    await page.getByRole('heading', { level: 1, name: `Hồ sơ ${dossier}` }).waitFor();
    await page.getByRole('link', { name: 'Hỏi về hồ sơ này' }).click();
    await page.getByRole('heading', { level: 1, name: 'Đặt câu hỏi' }).waitFor();
    await expect(page.getByLabel('Một hồ sơ của tôi').isChecked()).resolves.toBe(true);
    await expect(page.getByLabel('Hồ sơ', { exact: true }).inputValue()).resolves.toBe(dossier);
    // The agency handling the dossier answers: no province to choose.
    await expect(page.getByLabel(/^Tỉnh, thành phố/).count()).resolves.toBe(0);
    await checkScreen(page, `support-ask-dossier-${device}`);
    await fitsScreen(page);
    await page.getByLabel('Tiêu đề').fill('Khi nào tôi nhận được thẻ bảo hiểm y tế mới?');
    await page
      .getByLabel('Nội dung câu hỏi')
      .fill('Tôi đã nộp hồ sơ cấp lại thẻ, xin cho biết khi nào có thẻ mới.');
    await page.getByRole('button', { name: 'Gửi câu hỏi' }).click();
    await page.getByRole('heading', { level: 1, name: 'Đã gửi câu hỏi' }).waitFor();
    await page.getByText('Câu hỏi về hồ sơ đã được chuyển đến cơ quan đang giải quyết hồ sơ.').waitFor();
    const code = (await page.locator('#ask-sent-code').textContent())!.match(/HTTT-\d{6}-\d{4,}/)![0];
    const view = await until(`${code} with the agency`, async () => {
      const t = (await api('GET', `/v1/support/tickets/${code}`, { token: citizen })).body;
      return t?.status === 'with_agency' ? t : undefined;
    });
    expect(view).toMatchObject({ dossierCode: dossier, agencyId: 'bhxh-hn' });
    await page.getByRole('link', { name: 'Xem câu hỏi' }).click();
    await page.locator('#ticket-status').getByText('Cơ quan giải quyết đang trả lời').waitFor();
    await page.getByRole('link', { name: `Hồ sơ ${dossier}` }).waitFor();
    await checkScreen(page, `support-dossier-ticket-${device}`);

    // The agency answers by its signed callback; the citizen is not satisfied and reopens it, once.
    const answered = await signedAgencyCall(portal, secrets, '/v1/agency/support-events', 'bhxh-hn', {
      type: 'support.answered',
      ticketCode: code,
      answer: 'Thẻ mới được in trong 2,5 ngày làm việc sau khi hồ sơ được tiếp nhận.',
    });
    expect(answered.status, answered.text).toBe(200);
    await page.reload();
    await page.locator('#ticket-status').getByText('Đã trả lời').waitFor();
    const fromAgency = page.locator('#ticket-messages > li', { hasText: 'Thẻ mới được in' });
    await fromAgency.getByText('Bảo hiểm xã hội thành phố Hà Nội').waitFor();
    await page.getByRole('button', { name: 'Mở lại câu hỏi' }).click();
    await page.locator('#ticket-reopen-text-error').getByText('Vui lòng nhập nội dung.').waitFor();
    await page.getByLabel('Điều còn chưa rõ').fill('Hồ sơ của tôi đã được tiếp nhận chưa?');
    await page.getByRole('button', { name: 'Mở lại câu hỏi' }).click();
    await page.locator('#ticket-notice').getByText('Câu hỏi đã được mở lại.').waitFor();
    // A dossier question goes back to the agency handling it; no second reopening is offered.
    await page.locator('#ticket-status').getByText('Cơ quan giải quyết đang trả lời').waitFor();
    const reopened = (await api('GET', `/v1/support/tickets/${code}`, { token: citizen })).body;
    expect(reopened).toMatchObject({ status: 'with_agency', reopens: 1 });
    await expect(page.getByRole('button', { name: 'Mở lại câu hỏi' }).count()).resolves.toBe(0);
    await checkScreen(page, `support-reopened-${device}`);
    expect(violations).toEqual([]);
    await context.close();
  }, 120_000);
});
