// Hash routes, so the same build works under any path and in the desktop window.

/** Where the app is. */
export type Route = { page: 'briefs' } | { page: 'brief'; id: string; tab: 'write' | 'details' };

/** parseRoute reads a location hash ("#/b/ID/details"). */
export function parseRoute(hash: string): Route {
  const m = /^#\/b\/([a-z0-9]{1,64})(?:\/(details|write))?\/?$/.exec(hash);
  if (m && m[1]) return { page: 'brief', id: m[1], tab: m[2] === 'details' ? 'details' : 'write' };
  return { page: 'briefs' };
}
