/**
 * Driving a page with the keyboard alone, as a citizen without a mouse would: Tab and Shift+Tab to a
 * control named as the page names it, every stop on the way showing where the focus is.
 */
import type { Page } from 'playwright-core';
import { expect } from 'vitest';

export interface Focused {
  /** The focused element's name: its label, its text, or its aria-label. */
  name: string;
  tag: string;
  /** Whether the focus is visible (an outline or a box shadow). */
  visible: boolean;
}

/**
 * Runs in the page (a string: the test's own types know no DOM). A file input lies transparent over the
 * words drawn for it: its focus shows on those words.
 */
const FOCUSED = `(() => {
  const el = document.activeElement;
  if (!el || el === document.body) return { name: '', tag: 'body', visible: true };
  const labelled = el.labels && el.labels[0] ? el.labels[0].textContent : null;
  const shown = el.type === 'file' && el.closest('.file-picker')
    ? el.closest('.file-picker').querySelector('.file-button')
    : el;
  const style = getComputedStyle(shown);
  return {
    name: (labelled ?? el.getAttribute('aria-label') ?? el.textContent ?? '').trim().replace(/\\s+/g, ' '),
    tag: el.tagName.toLowerCase(),
    visible: (style.outlineStyle !== 'none' && style.outlineWidth !== '0px') || style.boxShadow !== 'none',
  };
})()`;

export const focused = (page: Page): Promise<Focused> => page.evaluate(FOCUSED) as Promise<Focused>;

/** Tab (or Shift+Tab) until the focus is on what `name` matches; every stop on the way shows its focus. */
export async function tabTo(page: Page, name: RegExp, options: { back?: boolean; max?: number } = {}) {
  const unseen: string[] = [];
  for (let i = 0; i < (options.max ?? 120); i++) {
    await page.keyboard.press(options.back ? 'Shift+Tab' : 'Tab');
    const f = await focused(page);
    if (f.tag !== 'body' && !f.visible) unseen.push(`${f.tag} ${f.name}`);
    if (name.test(f.name)) {
      expect(unseen, 'stops without a visible focus').toEqual([]);
      return f;
    }
  }
  throw new Error(`${name} is not reachable with the Tab key`);
}

/**
 * Watches for the first level-1 heading reading `heading`; what it returns gives the id of the element
 * that had the focus when that heading was first drawn.
 */
export async function watchFocusWhenDrawn(page: Page, heading: string): Promise<() => Promise<string>> {
  const key = `focusWhen${Math.random().toString(36).slice(2)}`;
  await page.evaluate(`void (window[${JSON.stringify(key)}] = new Promise((seen) => {
    const watch = new MutationObserver(() => {
      if (document.querySelector('h1')?.textContent !== ${JSON.stringify(heading)}) return;
      watch.disconnect();
      seen(document.activeElement?.id ?? '');
    });
    watch.observe(document.body, { subtree: true, childList: true, characterData: true });
  }))`);
  return () => page.evaluate(`window[${JSON.stringify(key)}]`) as Promise<string>;
}

export const type = (page: Page, text: string) => page.keyboard.type(text, { delay: 5 });

/** A day (YYYY-MM-DD) typed day first, as people here write it: 01/05/1990. */
export async function typeDay(page: Page, iso: string) {
  const [y, m, d] = iso.split('-');
  await type(page, `${d}/${m}/${y}`);
}

/** YYYY-MM-DD as the filing form shows it: 01/05/1990. */
export const shownDay = (iso: string) => iso.split('-').reverse().join('/');

/**
 * The focused file input opened with Space (its activation key; Chromium does not always open the chooser
 * on Enter), its chooser given `file`, as a person picks one.
 */
export async function chooseFileByKey(page: Page, file: { name: string; mimeType: string; buffer: Buffer }) {
  const f = await focused(page);
  expect(f.tag).toBe('input');
  expect(await page.evaluate('document.activeElement.type')).toBe('file');
  // Headless Chromium now and then drops the key that should open the chooser: a person presses again.
  for (let attempt = 1; ; attempt++) {
    const chooser = page.waitForEvent('filechooser', { timeout: 4_000 });
    await page.keyboard.press('Space');
    try {
      await (await chooser).setFiles(file);
      return;
    } catch (err) {
      if (attempt === 3) throw err;
      expect(await page.evaluate('document.activeElement.type')).toBe('file');
    }
  }
}

/** The focused select moved with the arrow keys until it holds `value`. */
export async function selectByKeys(page: Page, value: string, max = 60) {
  const current = () => page.evaluate('document.activeElement.value') as Promise<string>;
  await page.keyboard.press('Home');
  for (let i = 0; i < max && (await current()) !== value; i++) await page.keyboard.press('ArrowDown');
  expect(await current()).toBe(value);
}

/** Signs in on the local issuer's page by keyboard, from a page offering "Đăng nhập". */
export async function signInByKeyboard(page: Page, person: RegExp) {
  await tabTo(page, /^Đăng nhập$/);
  await page.keyboard.press('Enter');
  await page.waitForURL(/\/dev\/oauth2\/authorize/);
  await tabTo(page, person);
  await page.keyboard.press('Enter');
}
