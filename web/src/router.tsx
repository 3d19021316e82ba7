/**
 * A tiny path router on the history API: readable addresses (/thu-tuc/1.001612) that can be shared and
 * bookmarked; the server answers index.html for any page address a browser asks for. A page is one file
 * under pages/ and one line in routes.tsx.
 */
import type { AnchorHTMLAttributes, ComponentChildren, ComponentType } from 'preact';
import { useEffect, useState } from 'preact/hooks';

export type Params = Record<string, string>;
export interface PageProps {
  params: Params;
  /** The address's query, e.g. ?q=khai+sinh. */
  query: URLSearchParams;
}
export interface Route {
  /** "/thu-tuc/:code": segments starting with ":" are parameters. */
  path: string;
  page: ComponentType<PageProps>;
}

export function match(
  routes: readonly Route[],
  pathname: string,
): { route: Route; params: Params } | undefined {
  const parts = pathname.replace(/\/+$/, '').split('/').slice(1);
  for (const route of routes) {
    const pattern = route.path.replace(/\/+$/, '').split('/').slice(1);
    if (pattern.length !== parts.length) continue;
    const params: Params = {};
    let ok = true;
    for (const [i, p] of pattern.entries()) {
      const part = parts[i]!;
      if (p.startsWith(':')) {
        try {
          params[p.slice(1)] = decodeURIComponent(part);
        } catch {
          ok = false;
        }
      } else if (p !== part) ok = false;
      if (!ok) break;
    }
    if (ok) return { route, params };
  }
  return undefined;
}

const listeners = new Set<() => void>();
const notify = () => {
  for (const l of listeners) l();
};
addEventListener('popstate', notify);

export function navigate(to: string, options: { replace?: boolean } = {}) {
  if (options.replace) history.replaceState(null, '', to);
  else history.pushState(null, '', to);
  scrollTo(0, 0);
  notify();
}

/** The current address; the component renders again when it changes. */
export function useLocation(): { pathname: string; search: string } {
  const [, setTick] = useState(0);
  useEffect(() => {
    const l = () => setTick((n) => n + 1);
    listeners.add(l);
    return () => {
      listeners.delete(l);
    };
  }, []);
  return { pathname: location.pathname, search: location.search };
}

/** An ordinary link that changes page without reloading; new tab, modifier keys and downloads still work. */
export function Link(
  props: AnchorHTMLAttributes<HTMLAnchorElement> & { href: string; children?: ComponentChildren },
) {
  const { href, onClick, ...rest } = props;
  return (
    <a
      href={href}
      {...rest}
      onClick={(e) => {
        onClick?.call(e.currentTarget, e);
        if (e.defaultPrevented || e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey || e.altKey) return;
        e.preventDefault();
        navigate(href);
      }}
    />
  );
}
