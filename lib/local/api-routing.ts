/** Route matching, with API Gateway's precedence: a literal segment beats a {param}, which beats {proxy+}. */
import type { Route } from '../../functions/routes.js';

interface CompiledRoute {
  route: Route;
  segments: Array<{ kind: 'literal'; value: string } | { kind: 'param' | 'greedy'; name: string }>;
}

export interface RouteMatch {
  route: Route;
  pathParameters: Record<string, string>;
}

export type RouteLookup = { match: RouteMatch } | { allowed: string[] } | undefined;

function compile(route: Route): CompiledRoute {
  const segments = route.path
    .split('/')
    .slice(1)
    .map((s) => {
      const greedy = /^\{(.+)\+\}$/.exec(s);
      if (greedy) return { kind: 'greedy' as const, name: greedy[1]! };
      const param = /^\{(.+)\}$/.exec(s);
      if (param) return { kind: 'param' as const, name: param[1]! };
      return { kind: 'literal' as const, value: s };
    });
  return { route, segments };
}

export function safeDecode(s: string): string | undefined {
  try {
    return decodeURIComponent(s);
  } catch {
    return undefined;
  }
}

function matchPath(
  c: CompiledRoute,
  parts: string[],
): { params: Record<string, string>; score: number[] } | undefined {
  const params: Record<string, string> = {};
  const score: number[] = [];
  for (let i = 0; i < c.segments.length; i++) {
    const seg = c.segments[i]!;
    if (seg.kind === 'greedy') {
      const rest = parts.slice(i);
      if (rest.length === 0 || rest.join('/') === '') return undefined;
      const value = safeDecode(rest.join('/'));
      if (value === undefined) return undefined;
      params[seg.name] = value;
      score.push(0);
      return { params, score };
    }
    const part = parts[i];
    if (part === undefined) return undefined;
    const decoded = safeDecode(part);
    if (decoded === undefined) return undefined;
    if (seg.kind === 'literal') {
      if (decoded !== seg.value) return undefined;
      score.push(2);
    } else {
      if (part === '') return undefined;
      params[seg.name] = decoded;
      score.push(1);
    }
  }
  return parts.length === c.segments.length ? { params, score } : undefined;
}

const moreSpecific = (a: number[], b: number[]) => {
  for (let i = 0; i < Math.max(a.length, b.length); i++) {
    const d = (a[i] ?? -1) - (b[i] ?? -1);
    if (d !== 0) return d > 0;
  }
  return false;
};

export function createRouter(routes: readonly Route[]) {
  const compiled = routes.map(compile);
  return (method: string, rawPath: string): RouteLookup => {
    const parts = rawPath.split('/').slice(1);
    let best: { c: CompiledRoute; params: Record<string, string>; score: number[] } | undefined;
    const allowed = new Set<string>();
    for (const c of compiled) {
      const m = matchPath(c, parts);
      if (!m) continue;
      allowed.add(c.route.method);
      if (c.route.method !== method) continue;
      if (!best || moreSpecific(m.score, best.score)) best = { c, ...m };
    }
    if (best) return { match: { route: best.c.route, pathParameters: best.params } };
    return allowed.size ? { allowed: [...allowed].sort() } : undefined;
  };
}
