// Hash routes, so the same build works under any path and in the desktop window.

/** The views of an open brief. */
export type BriefTab = 'write' | 'details' | 'history';

/** Where the app is. */
export type Route =
  | { page: 'briefs' }
  | { page: 'brand' }
  | { page: 'settings' }
  | { page: 'brief'; id: string; tab: BriefTab; from?: string; to?: string };

/** parseRoute reads a location hash ("#/b/ID/details", "#/b/ID/history?from=v2&to=current", "#/brand"). */
export function parseRoute(hash: string): Route {
  if (/^#\/brand\/?$/.test(hash)) return { page: 'brand' };
  if (/^#\/settings\/?$/.test(hash)) return { page: 'settings' };
  const m = /^#\/b\/([a-z0-9]{1,64})(?:\/(details|write|history))?\/?(?:\?(.*))?$/.exec(hash);
  if (!m || !m[1]) return { page: 'briefs' };
  const tab: BriefTab = m[2] === 'details' ? 'details' : m[2] === 'history' ? 'history' : 'write';
  const route: Route = { page: 'brief', id: m[1], tab };
  if (tab === 'history' && m[3]) {
    const q = new URLSearchParams(m[3]);
    const from = q.get('from');
    const to = q.get('to');
    if (from && /^[A-Za-z0-9]{1,32}$/.test(from)) route.from = from;
    if (to && /^[A-Za-z0-9]{1,32}$/.test(to)) route.to = to;
  }
  return route;
}

/** historyHash is the address of a comparison in a brief's history. */
export function historyHash(id: string, from?: string, to?: string): string {
  const q = new URLSearchParams();
  if (from) q.set('from', from);
  if (to) q.set('to', to);
  const s = q.toString();
  return `#/b/${id}/history${s ? `?${s}` : ''}`;
}
