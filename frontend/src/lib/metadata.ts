// Client-side checks of a brief's metadata, the same rules the server applies
// (internal/brief: NormalizeMonthYear, language codes, title length).

const months = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];

/** normalizeMonthYear returns "September 2019" for "sep 2019" and the like, "" for "", or null when invalid. */
export function normalizeMonthYear(s: string): string | null {
  const t = s.trim().split(/\s+/).filter(Boolean).join(' ');
  if (t === '') return '';
  const m = /^([A-Za-z]+) (\d{4})$/.exec(t);
  if (!m) return null;
  const word = (m[1] ?? '').toLowerCase();
  const name = months.find((n) => n.toLowerCase() === word || (word.length === 3 && n.slice(0, 3).toLowerCase() === word));
  return name ? `${name} ${m[2]}` : null;
}

/** monthYearError explains what is wrong with a month-and-year field, or returns "". */
export function monthYearError(s: string): string {
  return normalizeMonthYear(s) === null ? 'Write a month and year, such as “September 2019” or “Sep 2019”.' : '';
}

/** languageError checks a two-letter language code such as EN. */
export function languageError(s: string): string {
  const t = s.trim();
  return t === '' || /^[A-Za-z]{2}$/.test(t) ? '' : 'Use a two-letter language code, such as EN or FR.';
}

/** titleError checks a brief's title. */
export function titleError(s: string): string {
  const t = s.trim();
  if (t === '') return 'A brief needs a title.';
  if ([...t].length > 300) return `The title is ${[...t].length} characters long; at most 300.`;
  return '';
}

/** splitList reads a comma- or line-separated list. */
export function splitList(s: string): string[] {
  return s
    .split(/[,\n;]/)
    .map((x) => x.trim())
    .filter(Boolean);
}
