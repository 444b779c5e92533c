// Small formatting helpers shared by components.

const rtf = new Intl.RelativeTimeFormat('en', { numeric: 'auto' });
const dateFmt = new Intl.DateTimeFormat('en-GB', { day: 'numeric', month: 'short', year: 'numeric' });
const fullFmt = new Intl.DateTimeFormat('en-GB', { dateStyle: 'long', timeStyle: 'short' });

/** relativeTime says when `iso` was, seen from `now`: "just now", "5 minutes ago", "yesterday", "3 Mar 2026". */
export function relativeTime(iso: string, now: number = Date.now()): string {
  const t = Date.parse(iso);
  if (Number.isNaN(t)) return '';
  const s = Math.round((t - now) / 1000);
  const abs = Math.abs(s);
  if (abs < 45) return 'just now';
  if (abs < 45 * 60) return rtf.format(Math.round(s / 60), 'minute');
  if (abs < 22 * 3600) return rtf.format(Math.round(s / 3600), 'hour');
  if (abs < 6 * 86400) return rtf.format(Math.round(s / 86400), 'day');
  return dateFmt.format(t);
}

/** fullTime is the exact local date and time, for a tooltip. */
export function fullTime(iso: string): string {
  const t = Date.parse(iso);
  return Number.isNaN(t) ? '' : fullFmt.format(t);
}

/** humanize turns a template type into a readable name: "policy-options-brief" -> "Policy options brief". */
export function humanize(type: string): string {
  const s = type.replace(/[-_]+/g, ' ').trim();
  return s.charAt(0).toUpperCase() + s.slice(1);
}

/** roleLabel names a role for people. */
export function roleLabel(role: string): string {
  return role === '' ? '' : role.charAt(0).toUpperCase() + role.slice(1);
}
