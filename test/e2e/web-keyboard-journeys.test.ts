/**
 * The rest of a citizen's journeys with a keyboard alone (web-keyboard.test.ts files a form): a scan
 * chosen from a file input reached with Tab and opened with Space, paying and trying again after a
 * declined payment, answering a request to supplement, downloading the result, rating the service,
 * sending a petition with a scan, and signing out. Tab, Shift+Tab, Enter, Space, arrows and typing
 * only, never the mouse; every stop the Tab key reaches shows where the focus is (a file input's focus
 * shows on the words drawn for it). axe-core finds nothing on any screen.
 */
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LocalPortal } from '../../lib/local/portal.js';
import { readAgencySecrets, signedAgencyCall } from '../support/agency-callbacks.js';
import { bhytForm, licenceForm } from '../support/forms.js';
import { startTestPortal } from '../support/local-portal.js';
import { portalClient } from '../support/portal-api.js';
import { SCAN_HEADS } from '../support/scans.js';
import { until } from '../support/wait.js';
import { checkScreen, launchChromium, openPortalPage } from './support/browser.js';
import {
  chooseFileByKey,
  focused,
  selectByKeys,
  shownDay,
  signInByKeyboard,
  tabTo,
  type,
  typeDay,
} from './support/keyboard.js';

let portal: LocalPortal;
let browser: Browser;
const { api } = portalClient(() => portal.url);

beforeAll(async () => {
  portal = await startTestPortal();
  browser = await launchChromium();
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

/** Replaces what a text field holds (a profile may have filled it) with `text`. */
async function retype(page: import('playwright-core').Page, text: string) {
  await page.keyboard.press('ControlOrMeta+a');
  await type(page, text);
}

describe('the journeys after filing, with the keyboard only', () => {
  it('files with scans chosen by keyboard, pays after a declined attempt and signs out', async () => {
    const { page, context, violations } = await openPortalPage(browser, 'desktop');
    await page.goto(`${portal.webUrl}nop/1.002804`);
    await page.getByRole('heading', { level: 1 }).waitFor();
    await signInByKeyboard(page, /Nguyễn Văn An/);
    await page.getByRole('heading', { level: 1, name: 'Nộp hồ sơ: Đổi giấy phép lái xe' }).waitFor();

    await tabTo(page, /^Họ, chữ đệm và tên/);
    await retype(page, licenceForm.fullName);
    await tabTo(page, /^Ngày sinh/);
    // Day first, whatever the browser's language: the profile's day selected and typed over.
    await page.keyboard.press('ControlOrMeta+a');
    await typeDay(page, licenceForm.dateOfBirth);
    await expect(page.getByLabel(/^Ngày sinh/).inputValue()).resolves.toBe(shownDay(licenceForm.dateOfBirth));
    await tabTo(page, /^Số định danh cá nhân/);
    await retype(page, licenceForm.citizenId);
    await tabTo(page, /^Số điện thoại di động/);
    await retype(page, licenceForm.phone);
    await tabTo(page, /^Số giấy phép lái xe/);
    await retype(page, licenceForm.licenceNumber);
    await tabTo(page, /^Hạng giấy phép/);
    await selectByKeys(page, licenceForm.licenceClass);
    await tabTo(page, /^Lý do đổi/);
    await selectByKeys(page, licenceForm.reason);
    await tabTo(page, /^Cách nhận kết quả/);
    await selectByKeys(page, licenceForm.deliveryMethod);
    await tabTo(page, /^Địa chỉ nhận kết quả/);
    await retype(page, licenceForm.deliveryAddress);

    // Each scan: Tab reaches the file input, Space opens the chooser.
    await tabTo(page, /^Bản chụp giấy phép lái xe/);
    await checkScreen(page, 'keyboard-scan-focus-desktop');
    await chooseFileByKey(page, pdf('gplx.pdf'));
    await page.getByText('Đã tải lên: gplx.pdf').waitFor();
    await tabTo(page, /^Giấy khám sức khỏe/);
    await chooseFileByKey(page, pdf('kham-suc-khoe.pdf'));
    await page.getByText('Đã tải lên: kham-suc-khoe.pdf').waitFor();
    // The chosen file's name, in the page's words rather than the browser's.
    await expect(page.locator('.file-picker .file-name').allTextContents()).resolves.toEqual([
      'gplx.pdf',
      'kham-suc-khoe.pdf',
    ]);

    await tabTo(page, /^Xem lại hồ sơ$/);
    await page.keyboard.press('Enter');
    await page.getByRole('heading', { level: 1, name: 'Xem lại trước khi nộp' }).waitFor();
    await tabTo(page, /^Nộp hồ sơ$/);
    await page.keyboard.press('Enter');
    await page.getByRole('heading', { level: 1, name: 'Biên nhận hồ sơ' }).waitFor();
    const code = (await page.locator('#receipt-code').textContent())!;

    // Pay: declined first, then "Thử lại" and approved, every button by keyboard.
    await tabTo(page, /^Thanh toán lệ phí 135/);
    await page.keyboard.press('Enter');
    await page.getByRole('heading', { name: /Cổng thanh toán thử nghiệm/ }).waitFor();
    await tabTo(page, /^Từ chối \/ Decline$/);
    await page.keyboard.press('Enter');
    await page.locator('#pay-status').getByText('Thanh toán không thành công').waitFor();
    // The failed payment names its dossier and links to it.
    await expect(page.locator('#pay-dossier strong').textContent()).resolves.toBe(code);
    await expect(
      page
        .locator('#pay-dossier')
        .getByRole('link', { name: `Xem hồ sơ ${code}` })
        .getAttribute('href'),
    ).resolves.toBe(`/ho-so-cua-toi/${code}`);
    await checkScreen(page, 'keyboard-pay-failed-desktop');
    await tabTo(page, /^Thử lại$/);
    await page.keyboard.press('Enter');
    await page.getByRole('heading', { name: /Cổng thanh toán thử nghiệm/ }).waitFor();
    await tabTo(page, /^Thanh toán \/ Approve$/);
    await page.keyboard.press('Enter');
    await page.getByText('Thanh toán thành công.').waitFor();
    await page.locator('#payment-receipt').waitFor();
    await expect(page.locator('#payment-receipt').textContent()).resolves.toContain(code);

    // Sign out from the header, back up the page.
    await tabTo(page, /^Đăng xuất$/, { back: true });
    await page.keyboard.press('Enter');
    await page.getByRole('button', { name: 'Đăng nhập' }).first().waitFor();
    await expect(page.getByRole('button', { name: 'Đăng xuất' }).count()).resolves.toBe(0);
    await expect(page.evaluate('sessionStorage.getItem("cong.session")')).resolves.toBeNull();
    expect(violations).toEqual([]);
    await context.close();
  }, 150_000);

  it('answers a supplement request, downloads the result, rates and sends a petition', async () => {
    const token = await portal.token({ sub: 'citizen-an', role: 'citizen' });
    const secrets = await readAgencySecrets(portal);
    const report = async (event: Record<string, unknown>) => {
      const res = await signedAgencyCall(portal, secrets, '/v1/agency/events', 'bhxh-hn', event);
      expect(res.status, res.text).toBe(200);
    };
    const filed = await api('POST', '/v1/dossiers', {
      token,
      key: `web-keyboard-journeys-${process.pid}`,
      body: { procedureCode: '1.002758', form: bhytForm, attachments: [] },
    });
    expect(filed.status, filed.text).toBe(201);
    const code = filed.body.dossiers[0].code as string;
    await until('the agency to take the dossier up', async () =>
      (await api('GET', `/v1/dossiers/${code}`, { token })).body.status === 'in_progress' ? true : undefined,
    );
    await report({
      type: 'dossier.supplement_requested',
      dossierCode: code,
      note: 'Đề nghị bổ sung ảnh chụp thẻ bảo hiểm y tế bị hỏng',
      missingDocuments: ['damaged_card'],
      supplementDueAt: new Date(Date.now() + 5 * 86_400_000).toISOString(),
    });

    const { page, context, violations } = await openPortalPage(browser, 'desktop');
    await page.goto(`${portal.webUrl}ho-so-cua-toi/${code}`);
    await signInByKeyboard(page, /Nguyễn Văn An/);
    await page.getByRole('heading', { level: 1, name: `Hồ sơ ${code}` }).waitFor();

    // The supplement: a scan by keyboard, a note, sent with Enter.
    await tabTo(page, /^Bản chụp giấy tờ 1/);
    await chooseFileByKey(page, pdf('the-hong.pdf'));
    await page.getByText('Đã tải lên: the-hong.pdf').waitFor();
    await tabTo(page, /^Ghi chú gửi cơ quan/);
    await type(page, 'Gửi bổ sung ảnh chụp thẻ bị rách.');
    await tabTo(page, /^Gửi bổ sung$/);
    await page.keyboard.press('Enter');
    await page.getByText('Đã gửi bổ sung.').waitFor();
    await page.locator('#dossier-status').getByText('Đã bổ sung').waitFor();
    const supplemented = (await api('GET', `/v1/dossiers/${code}`, { token })).body;
    expect(supplemented.attachments.map((a: { fileName: string }) => a.fileName)).toContain('the-hong.pdf');

    // The result: shown with Enter, downloaded with Enter on its link.
    const result = Buffer.from('%PDF-1.7 the BHYT dien tu keyboard');
    await report({ type: 'dossier.approved', dossierCode: code });
    await report({
      type: 'dossier.result_issued',
      dossierCode: code,
      result: {
        kind: 'electronic',
        fileName: 'the-bhyt.pdf',
        contentType: 'application/pdf',
        contentBase64: result.toString('base64'),
      },
    });
    await page.reload();
    await page.getByRole('heading', { level: 2, name: 'Kết quả giải quyết' }).waitFor();
    await tabTo(page, /^Xem kết quả$/);
    await page.keyboard.press('Enter');
    await page.locator('#result-link').waitFor();
    await expect.poll(async () => (await focused(page)).name).toMatch(/^Tải kết quả: the-bhyt\.pdf/);
    const download = page.waitForEvent('download');
    await page.keyboard.press('Enter');
    const file = await (await download).createReadStream();
    const chunks: Buffer[] = [];
    for await (const chunk of file) chunks.push(chunk as Buffer);
    expect(Buffer.concat(chunks)).toEqual(result);
    await checkScreen(page, 'keyboard-result-desktop');

    await tabTo(page, /^Tôi đã nhận kết quả$/);
    await page.keyboard.press('Enter');
    await page.getByText('Cảm ơn bạn. Hồ sơ đã hoàn thành.').waitFor();

    // Rating: Tab into the overall mark, arrows to "4 — Hài lòng", a comment, Enter.
    await page.getByRole('heading', { name: 'Đánh giá chất lượng phục vụ' }).waitFor();
    await tabTo(page, /^1 — /);
    for (let i = 0; i < 3; i++) await page.keyboard.press('ArrowRight');
    const overall = page.getByRole('group', { name: /^Mức độ hài lòng chung/ });
    await expect(overall.getByLabel('4 — Hài lòng').isChecked()).resolves.toBe(true);
    await tabTo(page, /^Góp ý thêm/);
    await type(page, 'Cán bộ hướng dẫn nhiệt tình.');
    await checkScreen(page, 'keyboard-rate-desktop');
    await tabTo(page, /^Gửi đánh giá$/);
    await page.keyboard.press('Enter');
    await page.getByText('Cảm ơn bạn đã đánh giá.').waitFor();
    const rated = (await api('GET', `/v1/dossiers/${code}`, { token })).body;
    expect(JSON.stringify(rated)).toContain('Cán bộ hướng dẫn nhiệt tình.');

    // A petition: from the menu to its form, a scan chosen by keyboard, consent with Space.
    await tabTo(page, /^Phản ánh, kiến nghị$/, { back: true });
    await page.keyboard.press('Enter');
    await page.getByRole('heading', { level: 1, name: 'Phản ánh, kiến nghị' }).waitFor();
    await tabTo(page, /^Gửi phản ánh, kiến nghị$/);
    await page.keyboard.press('Enter');
    await page.getByRole('heading', { level: 1, name: 'Gửi phản ánh, kiến nghị' }).waitFor();
    await tabTo(page, /^Tiêu đề/);
    await type(page, 'Biển báo giao thông bị che khuất trên phố Bà Triệu');
    await tabTo(page, /^Nội dung/);
    await type(page, 'Cây xanh che khuất biển báo cấm rẽ trái. Đề nghị cắt tỉa.');
    await tabTo(page, /^Tỉnh, thành phố liên quan/);
    await selectByKeys(page, '01');
    await tabTo(page, /^Tệp 1/);
    await chooseFileByKey(page, pdf('bien-bao.pdf'));
    await page.getByText('Đã tải lên: bien-bao.pdf').waitFor();
    await tabTo(page, /^Tôi đồng ý để câu trả lời được công khai/);
    await page.keyboard.press('Space');
    await expect(page.locator('#petition-publish').isChecked()).resolves.toBe(true);
    await tabTo(page, /^Gửi phản ánh$/);
    await page.keyboard.press('Enter');
    await page.getByRole('heading', { level: 1, name: 'Đã gửi phản ánh, kiến nghị' }).waitFor();
    await expect(page.locator('#petition-sent-code').textContent()).resolves.toMatch(/PAKN-\d{6}-\d{4,}/);
    await checkScreen(page, 'keyboard-petition-sent-desktop');
    expect(violations).toEqual([]);
    await context.close();
  }, 150_000);
});
