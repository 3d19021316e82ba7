import { useLayoutEffect, useRef } from 'preact/hooks';
import { Layout } from './components/Layout.js';
import { NotFound } from './pages/NotFound.js';
import { match, useLocation } from './router.js';
import { routes } from './routes.js';

export function App({ message }: { message?: string }) {
  const { pathname, search } = useLocation();
  const found = match(routes, pathname);
  const Page = found?.route.page ?? NotFound;
  const first = useRef(true);
  // After a page change, focus moves to the new page so keyboard and screen-reader users start there. It
  // moves as the page is drawn, not after the next frame: a key pressed as soon as the page shows would
  // otherwise be pulled back to the top.
  useLayoutEffect(() => {
    if (first.current) {
      first.current = false;
      return;
    }
    document.getElementById('content')?.focus();
  }, [pathname]);
  return (
    <Layout message={message}>
      <Page key={pathname} params={found?.params ?? {}} query={new URLSearchParams(search)} />
    </Layout>
  );
}
