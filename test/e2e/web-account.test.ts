/**
 * Journeys 8 and 9 in the browser. A citizen starts "Cấp thẻ bảo hiểm y tế cho trẻ em dưới 6 tuổi",
 * picks the province and then the commune (found without tone marks), saves a draft, and finds it
 * restored on another device; two devices saving at once are told so instead of overwriting each other.
 * The account page shows the profile (edited with its version; a conflict reloads it), the drafts, the
 * documents and downloads the data; filing deletes the draft. A one-stop desk officer files for a
 * citizen, and a business representative sees the enterprise's dossiers. axe-core finds nothing on any
 * screen, on a desktop and on a 360 px phone.
 */
import { readFileSync } from 'node:fs';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LocalPortal } from '../../lib/local/portal.js';
import { readAgencySecrets, signedAgencyCall } from '../support/agency-callbacks.js';
import { bhytForm, birthBundleForm } from '../support/forms.js';
import { startTestPortal } from '../support/local-portal.js';
import { portalClient } from '../support/portal-api.js';
import { SCAN_HEADS } from '../support/scans.js';
import { until } from '../support/wait.js';
import { checkScreen, type Device, launchChromium, navLink, openPortalPage } from './support/browser.js';

const PROCEDURE = '1.011723';
const HEADING = 'Nộp hồ sơ: Cấp thẻ bảo hiểm y tế cho trẻ em dưới 6 tuổi';

let portal: LocalPortal;
let browser: Browser;

beforeAll(async () => {
  portal = await startTestPortal();
  browser = await launchChromium();
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await portal?.stop();
});

async function signIn(page: Page, path: string, person: RegExp) {
  await page.goto(`${portal.webUrl}${path.slice(1)}`);
  await page.getByRole('button', { name: 'Đăng nhập' }).first().click();
  await page.waitForURL(/\/dev\/oauth2\/authorize/);
  await page.getByRole('button', { name: person }).click();
  await page.waitForURL(new RegExp(`${path.replace(/\./g, '\\.')}$`));
}

const { api: call } = portalClient(() => portal.url);
const api = (
  method: string,
  path: string,
  token: string,
  body?: unknown,
  headers: Record<string, string> = {},
) => call(method as 'GET', path, { token, body, headers });

/** The parts of the child health card form a citizen fills before choosing where. */
async function fillPerson(page: Page, form: typeof birthBundleForm) {
  await page.getByLabel(/^Họ, chữ đệm và tên \(/).fill(form.fullName);
  await page.getByLabel(/^Ngày sinh \(/).fill(form.dateOfBirth);
  await page.getByLabel(/^Số điện thoại di động/).fill(form.phone);
  await page.getByLabel(/^Họ, chữ đệm và tên của trẻ/).fill(form.childFullName);
  await page.getByLabel(/^Ngày sinh của trẻ/).fill(form.childDateOfBirth);
  await page.getByLabel(/^Giới tính của trẻ/).selectOption(form.childSex);
  await page.getByLabel(/^Nơi sinh/).fill(form.placeOfBirth);
}

async function chooseHoanKiem(page: Page) {
  const commune = page.getByLabel(/^Xã, phường, đặc khu/);
  await expect(commune.isDisabled()).resolves.toBe(true);
  await page.getByLabel(/^Tỉnh, thành phố/).selectOption({ label: 'Hà Nội (thành phố)' });
  const search = page.getByLabel('Tìm nhanh theo tên (gõ có dấu hoặc không dấu)');
  await search.waitFor();
  await search.fill('hoan kiem');
  await page.getByText(/^Tìm thấy 1 trong \d+ lựa chọn$/).waitFor();
  await commune.selectOption({ label: 'Hoàn Kiếm (phường)' });
  await expect(commune.inputValue()).resolves.toBe('00070');
}

/** One test person per device, so each run starts without a profile or a draft. */
const PEOPLE = {
  desktop: {
    name: 'Trần Thị Bình',
    sub: 'citizen-binh',
    citizenId: '001188000123',
    dateOfBirth: '1988-03-14',
  },
  phone: { name: 'Nguyễn Văn An', sub: 'citizen-an', citizenId: '001090000001', dateOfBirth: '1990-05-01' },
} as const;

describe.each<Device>(['desktop', 'phone'])('drafts, pickers and the account on a %s', (device) => {
  it('saves a draft, restores it elsewhere, settles a conflict, and the account shows and exports it', async () => {
    const who = PEOPLE[device];
    const person = new RegExp(who.name);
    const a = await openPortalPage(browser, device);
    await signIn(a.page, `/nop/${PROCEDURE}`, person);
    await a.page.getByRole('heading', { level: 1, name: HEADING }).waitFor();
    const form = { ...birthBundleForm, fullName: who.name, citizenId: who.citizenId };
    await fillPerson(a.page, form);
    await a.page.getByLabel(/^Số định danh cá nhân của mẹ/).fill(form.citizenId);
    await chooseHoanKiem(a.page);
    await checkScreen(a.page, `draft-form-${device}`);
    await a.page.getByRole('button', { name: 'Lưu nháp' }).click();
    await a.page.getByText(/^Đã lưu nháp lúc /).waitFor();

    // Another device: the same person, nothing in this browser, the draft comes back.
    const b = await openPortalPage(browser, device);
    await signIn(b.page, `/nop/${PROCEDURE}`, person);
    await b.page.getByText(/^Đã khôi phục bản nháp lưu lúc /).waitFor();
    await expect(b.page.getByLabel(/^Họ, chữ đệm và tên của trẻ/).inputValue()).resolves.toBe(
      form.childFullName,
    );
    await expect(b.page.getByLabel(/^Tỉnh, thành phố/).inputValue()).resolves.toBe('01');
    await b.page
      .getByLabel(/^Xã, phường, đặc khu/)
      .locator('option[value="00070"]')
      .waitFor({ state: 'attached' });
    await expect(b.page.getByLabel(/^Xã, phường, đặc khu/).inputValue()).resolves.toBe('00070');
    await checkScreen(b.page, `draft-restored-${device}`);

    // Both devices edit: B saves first (by itself, after a pause), A's save is refused, not applied.
    await b.page.getByLabel(/^Nơi sinh/).fill('Bệnh viện Bạch Mai');
    await b.page.getByText(/^Đã lưu nháp lúc /).waitFor();
    await a.page.getByLabel(/^Nơi sinh/).fill('Bệnh viện Việt Đức');
    await a.page.getByRole('button', { name: 'Lưu nháp' }).click();
    await a.page.getByText(/vừa được lưu ở thiết bị hoặc thẻ trình duyệt khác/).waitFor();
    await checkScreen(a.page, `draft-conflict-${device}`);
    await a.page.getByRole('button', { name: 'Dùng bản nháp đã lưu ở nơi khác' }).click();
    await expect.poll(() => a.page.getByLabel(/^Nơi sinh/).inputValue()).toBe('Bệnh viện Bạch Mai');
    await a.context.close();

    // The account page on device B.
    await (await navLink(b.page, 'Tài khoản')).click();
    await b.page.getByRole('heading', { level: 1, name: 'Tài khoản của tôi' }).waitFor();
    const drafts = b.page.locator('#my-drafts');
    await drafts.getByRole('link', { name: /^Tiếp tục nộp: Cấp thẻ bảo hiểm y tế cho trẻ em/ }).waitFor();
    await b.page.getByText('Bạn chưa lưu thông tin cá nhân.', { exact: false }).waitFor();
    await checkScreen(b.page, `account-${device}`);

    // Create the profile, then edit it while another device saves it first: a clear message, then reload.
    await b.page.getByRole('button', { name: 'Lưu thông tin cá nhân' }).click();
    await b.page.getByLabel('Họ, chữ đệm và tên').fill(who.name);
    await b.page.getByLabel('Ngày sinh').fill(who.dateOfBirth);
    await b.page.getByLabel('Số điện thoại di động').fill('091234');
    await b.page.getByLabel('Địa chỉ').fill('12 Hàng Bài, Hoàn Kiếm, Hà Nội');
    await b.page.getByRole('button', { name: 'Lưu thay đổi' }).click();
    // The server's refusal sits beside the field.
    await b.page.locator('#p-phone-error').waitFor();
    await checkScreen(b.page, `account-profile-error-${device}`);
    await b.page.getByLabel('Số điện thoại di động').fill('0912345678');
    await b.page.getByRole('button', { name: 'Lưu thay đổi' }).click();
    await b.page.getByText('Đã lưu thông tin cá nhân.').waitFor();
    await expect(b.page.locator('#profile-view').textContent()).resolves.toContain('09******78');

    await b.page.getByRole('button', { name: 'Sửa thông tin cá nhân' }).click();
    await b.page.getByLabel('Địa chỉ').fill('Số 1 Tràng Tiền, Hoàn Kiếm, Hà Nội');
    const token = await portal.token({ sub: who.sub, citizenId: who.citizenId });
    const current = await api('GET', '/v1/me/profile?reveal=true', token);
    const { version, updatedAt: _u, citizenId: _c, ...body } = current.body;
    const elsewhere = await api(
      'PUT',
      '/v1/me/profile',
      token,
      { ...body, address: 'Số 5 Lý Thái Tổ, Hà Nội' },
      {
        'if-match': `"${version}"`,
      },
    );
    expect(elsewhere.status).toBe(200);
    await b.page.getByRole('button', { name: 'Lưu thay đổi' }).click();
    await b.page
      .getByText(/Thông tin cá nhân vừa được thay đổi ở thiết bị hoặc thẻ trình duyệt khác/)
      .waitFor();
    await expect(b.page.getByLabel('Địa chỉ').inputValue()).resolves.toBe('Số 5 Lý Thái Tổ, Hà Nội');
    await checkScreen(b.page, `account-profile-conflict-${device}`);
    await b.page.getByLabel('Địa chỉ').fill('Số 1 Tràng Tiền, Hoàn Kiếm, Hà Nội');
    await b.page.getByRole('button', { name: 'Lưu thay đổi' }).click();
    await b.page.getByText('Đã lưu thông tin cá nhân.').waitFor();
    expect((await api('GET', '/v1/me/profile', token)).body.address).toBe(
      'Số 1 Tràng Tiền, Hoàn Kiếm, Hà Nội',
    );

    // Everything, as a JSON download.
    const download = b.page.waitForEvent('download');
    await b.page.getByRole('button', { name: 'Tải xuống (JSON)' }).click();
    const file = await download;
    expect(file.suggestedFilename()).toMatch(/^cong-du-lieu-\d{4}-\d{2}-\d{2}\.json$/);
    const exported = JSON.parse(readFileSync((await file.path())!, 'utf8'));
    expect(exported.profile.address).toBe('Số 1 Tràng Tiền, Hoàn Kiếm, Hà Nội');
    await b.page.getByText(/^Đã tải xuống tệp cong-du-lieu-/).waitFor();

    // Back to the draft, filed: the draft is gone.
    await b.page
      .locator('#my-drafts')
      .getByRole('link', { name: /^Tiếp tục nộp/ })
      .click();
    await b.page.getByText(/^Đã khôi phục bản nháp lưu lúc /).waitFor();
    await b.page.getByLabel(/^Số định danh cá nhân \(/).fill(form.citizenId);
    await b.page.getByRole('button', { name: 'Xem lại hồ sơ' }).click();
    await b.page.getByRole('heading', { level: 1, name: 'Xem lại trước khi nộp' }).waitFor();
    await expect(b.page.locator('dl.facts').first().textContent()).resolves.toContain('Hoàn Kiếm (phường)');
    await b.page.getByRole('button', { name: 'Nộp hồ sơ' }).click();
    await b.page.getByRole('heading', { level: 1, name: 'Biên nhận hồ sơ' }).waitFor();
    expect((await api('GET', '/v1/me/drafts', token)).body.items).toEqual([]);
    await (await navLink(b.page, 'Tài khoản')).click();
    await b.page.getByText('Bạn không có bản nháp nào.').waitFor();
    expect([...a.violations, ...b.violations]).toEqual([]);
    await b.context.close();
  }, 180_000);
});

describe('filing for others', () => {
  it('a one-stop desk officer files for a citizen, who owns the dossier', async () => {
    // The citizen signed in once with VNeID and saved a profile: the desk can find the account.
    const citizen = await portal.token({ sub: 'citizen-an', citizenId: '001090000001' });
    if ((await api('GET', '/v1/me/profile', citizen)).status === 404) {
      const saved = await api('PUT', '/v1/me/profile', citizen, {
        fullName: 'Nguyễn Văn An',
        dateOfBirth: '1990-05-01',
        address: '25 phố Hàng Bài, Hà Nội',
        phone: '0912345678',
      });
      expect(saved.status).toBe(201);
    }

    const { page, context, violations } = await openPortalPage(browser, 'phone');
    await signIn(page, `/nop/${PROCEDURE}`, /Phạm Thu Dung/);
    await page.getByRole('group', { name: 'Nộp thay công dân' }).waitFor();
    await checkScreen(page, 'desk-form-phone');
    // Without the citizen's ID the page says so, beside the field.
    await page.getByRole('button', { name: 'Xem lại hồ sơ' }).click();
    await page.locator('#on-behalf-citizen-id-error').waitFor();
    await page.getByLabel('Số định danh cá nhân của công dân').fill('001090000001');
    // The applicant is the citizen filed for.
    await expect(page.getByLabel(/^Số định danh cá nhân \(/).inputValue()).resolves.toBe('001090000001');
    const form = { ...birthBundleForm, fullName: 'Nguyễn Văn An', dateOfBirth: '1990-05-01' };
    await fillPerson(page, form);
    await page.getByLabel(/^Số định danh cá nhân của mẹ/).fill('001194000456');
    await chooseHoanKiem(page);
    await page.getByRole('button', { name: 'Xem lại hồ sơ' }).click();
    await page.getByText('Nộp thay công dân có số định danh').waitFor();
    await checkScreen(page, 'desk-review-phone');
    await page.getByRole('button', { name: 'Nộp hồ sơ' }).click();
    await page.getByRole('heading', { level: 1, name: 'Biên nhận hồ sơ' }).waitFor();
    await page.getByText(/Hồ sơ được nộp thay công dân/).waitFor();
    const code = (await page.locator('#receipt-code').textContent())!;
    const mine = await api('GET', '/v1/me/dossiers', citizen);
    expect(mine.body.items).toContainEqual(
      expect.objectContaining({ code, filedBy: expect.objectContaining({ role: 'desk_officer' }) }),
    );
    await page.getByRole('link', { name: 'Xem hồ sơ của tôi' }).click();
    await page.getByRole('heading', { level: 1, name: 'Hồ sơ đã nộp thay công dân' }).waitFor();
    await page.locator('#my-dossiers').getByText(code, { exact: false }).waitFor();
    await checkScreen(page, 'desk-mine-phone');
    expect(violations).toEqual([]);
    await context.close();
  }, 120_000);

  it("a business representative sees the enterprise's dossiers, filed by any of its representatives", async () => {
    const other = await portal.token({ sub: 'business-other-rep', role: 'business', taxCode: '0101234567' });
    const filed = await fetch(`${portal.url}/v1/dossiers`, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${other}`,
        'content-type': 'application/json',
        'idempotency-key': 'web-account-business-0001',
      },
      body: JSON.stringify({ procedureCode: '1.002758', form: bhytForm, attachments: [] }),
    });
    expect(filed.status).toBe(201);
    const code = ((await filed.json()) as { dossiers: { code: string }[] }).dossiers[0]!.code;

    const { page, context, violations } = await openPortalPage(browser, 'desktop');
    await signIn(page, '/ho-so-cua-toi', /Lê Minh Cường/);
    await page
      .getByRole('heading', { level: 1, name: 'Hồ sơ của doanh nghiệp (mã số thuế 0101234567)' })
      .waitFor();
    await page.locator('#my-dossiers').getByText(code, { exact: false }).waitFor();
    await checkScreen(page, 'business-mine-desktop');
    await page.getByRole('link', { name: 'Tài khoản' }).click();
    await page.getByText(/đại diện doanh nghiệp có mã số thuế 0101234567/).waitFor();
    expect(violations).toEqual([]);
    await context.close();
  }, 120_000);

  it('a business representative files a promotion notice for the enterprise and follows it', async () => {
    const rep = await portal.token({ sub: 'business-cuong', role: 'business', taxCode: '0101234567' });
    const { page, context, violations } = await openPortalPage(browser, 'desktop');
    await signIn(page, '/nop/2.000033', /Lê Minh Cường/);
    await page
      .getByRole('heading', { level: 1, name: 'Nộp hồ sơ: Thông báo hoạt động khuyến mại' })
      .waitFor();
    await page.getByLabel(/^Tên doanh nghiệp/).fill('Công ty TNHH Thương mại Hoàn Kiếm');
    await page.getByLabel(/^Mã số thuế/).fill('0101234567');
    await page.getByLabel(/^Số điện thoại di động người liên hệ/).fill('0912345678');
    await page.getByLabel(/^Tên chương trình khuyến mại/).fill('Mừng xuân Bính Ngọ');
    await page.getByLabel(/^Hàng hóa, dịch vụ khuyến mại/).fill('Đồ gia dụng bán tại cửa hàng Hàng Bài');
    await page.getByLabel(/^Hình thức khuyến mại/).selectOption('discount');
    await page.getByLabel(/^Ngày bắt đầu/).fill('2027-01-15');
    await page.getByLabel(/^Ngày kết thúc/).fill('2027-02-15');
    await page.getByLabel(/^Các tỉnh, thành phố thực hiện/).fill('01');
    await page.getByLabel(/^Thông báo hoạt động khuyến mại \(Mẫu 01/).setInputFiles({
      name: 'thong-bao-km.pdf',
      mimeType: 'application/pdf',
      buffer: Buffer.concat([SCAN_HEADS['application/pdf']!, Buffer.alloc(8_000, 0x20)]),
    });
    await page.getByText('Đã tải lên: thong-bao-km.pdf').waitFor();
    await checkScreen(page, 'business-form-desktop');
    await page.getByRole('button', { name: 'Xem lại hồ sơ' }).click();
    await page.getByRole('heading', { level: 1, name: 'Xem lại trước khi nộp' }).waitFor();
    await page.getByRole('button', { name: 'Nộp hồ sơ' }).click();
    await page.getByRole('heading', { level: 1, name: 'Biên nhận hồ sơ' }).waitFor();
    const code = (await page.locator('#receipt-code').textContent())!;
    await checkScreen(page, 'business-receipt-desktop');

    // The enterprise's list, then the dossier's page, followed while the agency moves it.
    await page.getByRole('link', { name: 'Xem hồ sơ của tôi' }).click();
    await page
      .getByRole('heading', { level: 1, name: 'Hồ sơ của doanh nghiệp (mã số thuế 0101234567)' })
      .waitFor();
    await page
      .locator('#my-dossiers')
      .getByRole('link', { name: new RegExp(code) })
      .click();
    await page.getByRole('heading', { level: 1, name: `Hồ sơ ${code}` }).waitFor();
    const view = await until('the agency to take the dossier up', async () => {
      const d = (await api('GET', `/v1/dossiers/${code}`, rep)).body;
      return d.status === 'in_progress' ? d : undefined;
    });
    const secrets = await readAgencySecrets(portal);
    const approved = await signedAgencyCall(portal, secrets, '/v1/agency/events', view.agencyId, {
      type: 'dossier.approved',
      dossierCode: code,
    });
    expect(approved.status, approved.text).toBe(200);
    await page.reload();
    await page.locator('#dossier-status').getByText('Đã phê duyệt').waitFor();
    await page.locator('#dossier-timeline').getByText('Cơ quan tiếp nhận hồ sơ').waitFor();
    await checkScreen(page, 'business-dossier-desktop');
    expect(violations).toEqual([]);
    await context.close();
  }, 120_000);
});

describe('the filing form and the profile', () => {
  it('fills the form from the saved profile and shows a refusal only the server can make beside its field', async () => {
    const token = await portal.token({ sub: 'citizen-an', citizenId: '001090000001' });
    // A profile saved with a phone number the sign-in does not carry.
    const current = await api('GET', '/v1/me/profile?reveal=true', token);
    const profile = {
      fullName: 'Nguyễn Văn An',
      dateOfBirth: '1990-05-01',
      address: '25 phố Hàng Bài, Hà Nội',
    };
    const saved =
      current.status === 404
        ? await api('PUT', '/v1/me/profile', token, { ...profile, phone: '0987654321' })
        : await api(
            'PUT',
            '/v1/me/profile',
            token,
            {
              ...Object.fromEntries(
                Object.entries(current.body).filter(
                  ([k]) => !['version', 'updatedAt', 'citizenId'].includes(k),
                ),
              ),
              phone: '0987654321',
            },
            { 'if-match': `"${current.body.version}"` },
          );
    expect(saved.status, saved.text).toBeLessThan(300);

    // The commune list as a stale page might hold it: one commune of Hồ Chí Minh City among Hà Nội's.
    const elsewhere = (await api('GET', '/v1/provinces/79/communes', token)).body.items[0] as {
      code: string;
      name: string;
    };
    const { page, context, violations } = await openPortalPage(browser, 'desktop');
    await page.route('**/v1/provinces/01/communes**', async (route) => {
      const res = await route.fetch();
      const body = (await res.json()) as { items: unknown[] };
      await route.fulfill({ response: res, json: { ...body, items: [elsewhere, ...body.items] } });
    });
    await signIn(page, `/nop/${PROCEDURE}`, /Nguyễn Văn An/);
    await page.getByRole('heading', { level: 1, name: HEADING }).waitFor();
    await page.getByText('Một số mục đã được điền sẵn').waitFor();
    await expect(page.getByLabel(/^Số điện thoại di động/).inputValue()).resolves.toBe('0987654321');
    await expect(page.getByLabel(/^Họ, chữ đệm và tên \(/).inputValue()).resolves.toBe('Nguyễn Văn An');
    await expect(page.getByLabel(/^Ngày sinh \(/).inputValue()).resolves.toBe('01/05/1990');
    await expect(page.getByLabel(/^Số định danh cá nhân \(/).inputValue()).resolves.toBe('001090000001');
    await checkScreen(page, 'prefill-form-desktop');

    await page.getByLabel(/^Họ, chữ đệm và tên của trẻ/).fill(birthBundleForm.childFullName);
    await page.getByLabel(/^Ngày sinh của trẻ/).fill(birthBundleForm.childDateOfBirth);
    await page.getByLabel(/^Giới tính của trẻ/).selectOption(birthBundleForm.childSex);
    await page.getByLabel(/^Nơi sinh/).fill(birthBundleForm.placeOfBirth);
    await page.getByLabel(/^Số định danh cá nhân của mẹ/).fill('001194000456');
    await page.getByLabel(/^Tỉnh, thành phố/).selectOption({ label: 'Hà Nội (thành phố)' });
    const commune = page.getByLabel(/^Xã, phường, đặc khu/);
    await commune.locator(`option[value="${elsewhere.code}"]`).waitFor({ state: 'attached' });
    await commune.selectOption(elsewhere.code);
    await page.getByRole('button', { name: 'Xem lại hồ sơ' }).click();
    await page.getByRole('heading', { level: 1, name: 'Xem lại trước khi nộp' }).waitFor();
    await page.getByRole('button', { name: 'Nộp hồ sơ' }).click();
    // Back on the form: the server's words beside the commune, which is marked and described by them.
    const message = page.locator('#f-communeCode-error');
    await message.waitFor();
    await expect(message.textContent()).resolves.toMatch(/không thuộc/);
    await expect(commune.getAttribute('aria-invalid')).resolves.toBe('true');
    await expect(commune.getAttribute('aria-describedby')).resolves.toContain('f-communeCode-error');
    await page
      .getByRole('alert')
      .getByRole('link', { name: /^Xã, phường, đặc khu/ })
      .waitFor();
    await checkScreen(page, 'server-field-error-desktop');
    expect(violations).toEqual([]);
    await context.close();
  }, 120_000);
});
