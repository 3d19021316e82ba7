import type { ComponentChildren } from 'preact';
import { signIn, signOut, useSession } from '../auth.js';
import { setLang, useCommon, useLang } from '../i18n.js';
import { Link, useLocation } from '../router.js';

/** Header (brand, navigation, language, account), the page, and the footer; a skip link first. */
export function Layout({ children, message }: { children: ComponentChildren; message?: string }) {
  const t = useCommon();
  const lang = useLang();
  const session = useSession();
  const { pathname } = useLocation();
  const nav: Array<[string, string]> = [
    ['/', t.home],
    ['/thu-tuc', t.procedures],
    ['/tra-cuu', t.track],
    ...(session
      ? ([
          ['/ho-so-cua-toi', t.mine],
          ['/tai-khoan', t.account],
        ] as Array<[string, string]>)
      : []),
    ['/thong-ke', t.stats],
    ['/phan-anh-kien-nghi', t.petitions],
  ];
  const current = (href: string) => (href === '/' ? pathname === '/' : pathname.startsWith(href));
  return (
    <>
      <a class="skip" href="#content">
        {t.skip}
      </a>
      <header class="top">
        <div class="top-row">
          <Link href="/" class="brand">
            <span class="brand-mark" aria-hidden="true">
              ★
            </span>
            {t.brand}
          </Link>
          <div class="account">
            <button
              type="button"
              class="lang"
              lang={lang === 'vi' ? 'en' : 'vi'}
              aria-label={t.switchLabel}
              onClick={() => setLang(lang === 'vi' ? 'en' : 'vi')}
            >
              {t.switchTo}
            </button>
            {session && (
              <span id="who" class="who">
                {t.hello(session.name ?? session.sub)}
              </span>
            )}
            {session ? (
              <button type="button" id="sign-out" class="secondary" onClick={() => void signOut()}>
                {t.signOut}
              </button>
            ) : (
              <button type="button" id="sign-in" onClick={() => void signIn()}>
                {t.signIn}
              </button>
            )}
          </div>
        </div>
        <nav aria-label={t.nav}>
          <ul>
            {nav.map(([href, label]) => (
              <li key={href}>
                <Link href={href} aria-current={current(href) ? 'page' : undefined}>
                  {label}
                </Link>
              </li>
            ))}
          </ul>
        </nav>
      </header>
      <main id="content" tabIndex={-1}>
        <p id="message" role="status">
          {message}
        </p>
        {children}
      </main>
      <footer class="foot">
        <p>{t.footer}</p>
      </footer>
    </>
  );
}
