/** Start: read /config.json, finish or resume a sign-in, then draw the portal. */
import { render } from 'preact';
import { App } from './app.js';
import { resumeSession, SignInExpired } from './auth.js';
import { loadConfig } from './config.js';
import { getLang, setLang } from './i18n.js';

async function main() {
  setLang(getLang());
  await loadConfig();
  let message: string | undefined;
  try {
    if ((await resumeSession()) === 'redirecting') return;
  } catch (err) {
    const vi = getLang() === 'vi';
    const detail =
      err instanceof SignInExpired
        ? vi
          ? 'Phiên đăng nhập đã hết hạn, vui lòng đăng nhập lại.'
          : 'The sign-in expired, please sign in again.'
        : (err as Error).message;
    message = vi ? `Đăng nhập không thành công: ${detail}` : `Sign-in failed: ${detail}`;
  }
  const root = document.getElementById('app')!;
  root.replaceChildren();
  render(<App message={message} />, root);
}

void main();
