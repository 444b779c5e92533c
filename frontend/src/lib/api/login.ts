// Login links: `https://HOST/login?token=T` (single use, 15 minutes).

/** tokenFromLocation returns the token of a login link the page was opened with, or null. */
export function tokenFromLocation(loc: Pick<Location, 'pathname' | 'search'>): string | null {
  if (!/\/login\/?$/.test(loc.pathname)) return null;
  const token = new URLSearchParams(loc.search).get('token');
  return token && token.trim() !== '' ? token.trim() : null;
}

/**
 * tokenFromInput accepts what a user pastes: a whole login link, or a bare
 * token. It returns the token, or an error sentence.
 */
export function tokenFromInput(input: string): { token: string } | { error: string } {
  const s = input.trim();
  if (s === '') return { error: 'Paste the login link you received.' };
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(s) || s.includes('?') || s.includes('/')) {
    let url: URL;
    try {
      url = new URL(s, 'http://link.invalid');
    } catch {
      return { error: 'That does not look like a login link.' };
    }
    const token = url.searchParams.get('token')?.trim();
    if (!token) return { error: 'That link has no login token in it. Copy the whole link and try again.' };
    return { token };
  }
  if (/\s/.test(s)) return { error: 'A login token has no spaces. Copy the whole link and try again.' };
  return { token: s };
}
