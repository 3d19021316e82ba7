import type { ComponentChildren } from 'preact';
import { useEffect, useRef, useState } from 'preact/hooks';
import { signIn, signOut, useSession } from '../auth.js';
import { setLang, useCommon, useLang } from '../i18n.js';
import { Link, useLocation } from '../router.js';

/**
 * Header (brand, navigation, language, account), the page, and the footer; a skip link first. On a
 * phone the navigation and the signed-in account (greeting, sign-out) sit behind a "Danh mục" disclosure button, so the
 * header takes two lines rather than a third of the screen; on a wider screen the button is not shown
 * and everything is in view.
 */
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
    ['/ho-tro', t.support],
  ];
  const current = (href: string) => (href === '/' ? pathname === '/' : pathname.startsWith(href));
  const [open, setOpen] = useState(false);
  const menuButton = useRef<HTMLButtonElement>(null);
  // A new page closes the menu: its links led there.
  useEffect(() => {
    setOpen(false);
  }, [pathname]);
  // Escape closes the open menu and gives the focus back to its button.
  useEffect(() => {
    if (!open) return;
    const onKey = (e: KeyboardEvent) => {
      if (e.key !== 'Escape') return;
      setOpen(false);
      menuButton.current?.focus();
    };
    document.addEventListener('keydown', onKey);
    return () => document.removeEventListener('keydown', onKey);
  }, [open]);
  return (
    <>
      <a class="skip" href="#content">
        {t.skip}
      </a>
      <header class={open ? 'top open' : 'top'}>
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
            <button
              type="button"
              id="menu-button"
              class="menu-button"
              ref={menuButton}
              aria-expanded={open}
              aria-controls={session ? 'site-menu account-session' : 'site-menu'}
              onClick={() => setOpen(!open)}
            >
              <span aria-hidden="true">☰</span> {t.menu}
            </button>
            {session ? (
              <span id="account-session" class="session">
                <span id="who" class="who">
                  {t.hello(session.name ?? session.sub)}
                </span>
                <button type="button" id="sign-out" class="secondary" onClick={() => void signOut()}>
                  {t.signOut}
                </button>
              </span>
            ) : (
              <button type="button" id="sign-in" onClick={() => void signIn()}>
                {t.signIn}
              </button>
            )}
          </div>
        </div>
        <div id="site-menu" class="site-menu">
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
        </div>
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
