// The workspace's brand profile (GET/PUT /api/brand, the logo at
// /api/brand/logo) and the client-side checks that mirror the server's
// (internal/brief/brand.go). The server stays authoritative: its message is
// shown on the field it names (fieldOfError).

import { ApiError, errorFrom, type ApiClient } from './client';

/** The built-in funder profiles (DESIGN.md "Branded PDF"). */
export type Funder = 'h2020' | 'horizon-europe' | 'custom' | 'none';

export const FUNDERS: readonly Funder[] = ['h2020', 'horizon-europe', 'custom', 'none'];

/** The brand profile as GET /api/brand gives it. */
export interface Brand {
  projectName: string;
  tagline: string;
  /** An http(s) address, or "". */
  website: string;
  contactEmail: string;
  /** A social handle such as "@example". */
  social: string;
  /** "#RRGGBB". */
  primaryColor: string;
  /** "#RRGGBB". */
  accentColor: string;
  funder: Funder;
  grantAgreement: string;
  /** "" means the funder profile's text; "{grant}" becomes the grant number. */
  fundingStatement: string;
  /** "" means the funder profile's text. */
  disclaimer: string;
  /** "" means "Reproduction is authorised provided the source is acknowledged." */
  reproductionNotice: string;
  /** The inside cover's text per brief type; missing or "" means the built-in sentence. */
  seriesText: Record<string, string>;
  /** The back cover's "about" text. */
  about: string;
  /** null: the funder profile decides (the emblem prints for every funder but none). */
  showEmblem: boolean | null;
  /** Read-only: a logo is stored. */
  hasLogo: boolean;
}

/** A field of the profile that validateBrand can name; series texts are "seriesText.TYPE". */
export type BrandField = Exclude<keyof Brand, 'seriesText' | 'hasLogo'> | `seriesText.${string}`;

/** DEFAULT_BRAND is the profile of a new workspace (brief.DefaultBrand). */
export const DEFAULT_BRAND: Readonly<Brand> = Object.freeze({
  projectName: 'Brief Studio',
  tagline: '',
  website: '',
  contactEmail: '',
  social: '',
  primaryColor: '#1F3A93',
  accentColor: '#F2A900',
  funder: 'none',
  grantAgreement: '',
  fundingStatement: '',
  disclaimer: '',
  reproductionNotice: '',
  seriesText: {},
  about: '',
  showEmblem: null,
  hasLogo: false,
});

/** Limits, in characters (code points), of the texts printed on the fixed pages. */
export const BRAND_LIMITS = {
  projectName: 80,
  tagline: 200,
  social: 80,
  grantAgreement: 40,
  fundingStatement: 400,
  disclaimer: 1200,
  reproductionNotice: 400,
  about: 2500,
  seriesText: 1200,
} as const;

/** MAX_LOGO_BYTES: the largest logo the server takes (2 MB). */
export const MAX_LOGO_BYTES = 2 * 1024 * 1024;

/** The reproduction notice of every funder profile. */
export const DEFAULT_REPRODUCTION = 'Reproduction is authorised provided the source is acknowledged.';

/** The texts a funder profile prints when its override is empty. */
export interface FunderDefaults {
  label: string;
  statement: string;
  disclaimer: string;
  reproduction: string;
  /** The EU emblem prints when showEmblem is null. */
  emblem: boolean;
  /** A grant agreement number is required. */
  needsGrant: boolean;
}

/** funderDefaults: the funder profiles of DESIGN.md (the same texts as internal/brief/brand.go). */
export const funderDefaults: Record<Funder, FunderDefaults> = {
  h2020: {
    label: 'Horizon 2020',
    statement:
      "This project has received funding from the European Union's Horizon 2020 research and innovation programme under grant agreement No {grant}.",
    disclaimer:
      'The opinions expressed in this document are the sole responsibility of the author(s) and do not necessarily represent the official position of the European Commission.',
    reproduction: DEFAULT_REPRODUCTION,
    emblem: true,
    needsGrant: true,
  },
  'horizon-europe': {
    label: 'Horizon Europe',
    statement: 'Funded by the European Union',
    disclaimer:
      'Views and opinions expressed are however those of the author(s) only and do not necessarily reflect those of the European Union or the granting authority. Neither the European Union nor the granting authority can be held responsible for them.',
    reproduction: DEFAULT_REPRODUCTION,
    emblem: true,
    needsGrant: true,
  },
  custom: { label: 'Custom', statement: '', disclaimer: '', reproduction: DEFAULT_REPRODUCTION, emblem: true, needsGrant: false },
  none: { label: 'None', statement: '', disclaimer: '', reproduction: DEFAULT_REPRODUCTION, emblem: false, needsGrant: false },
};

/** isFunder tells a known funder profile. */
export function isFunder(s: unknown): s is Funder {
  return typeof s === 'string' && (FUNDERS as readonly string[]).includes(s);
}

/** chars counts code points, as the server's limits do. */
export function chars(s: string): number {
  let n = 0;
  for (const _ of s) n++;
  return n;
}

/** normalizeBrand fills what an answer leaves out with the defaults, so the form always has every field. */
export function normalizeBrand(raw: unknown): Brand {
  const r = (typeof raw === 'object' && raw !== null ? raw : {}) as Record<string, unknown>;
  const str = (k: keyof Brand): string => {
    const v = r[k];
    return typeof v === 'string' ? v : (DEFAULT_BRAND[k] as string);
  };
  const series: Record<string, string> = {};
  if (typeof r.seriesText === 'object' && r.seriesText !== null) {
    for (const [k, v] of Object.entries(r.seriesText as Record<string, unknown>)) {
      if (typeof v === 'string') series[k] = v;
    }
  }
  return {
    projectName: str('projectName'),
    tagline: str('tagline'),
    website: str('website'),
    contactEmail: str('contactEmail'),
    social: str('social'),
    primaryColor: str('primaryColor'),
    accentColor: str('accentColor'),
    funder: isFunder(r.funder) ? r.funder : 'none',
    grantAgreement: str('grantAgreement'),
    fundingStatement: str('fundingStatement'),
    disclaimer: str('disclaimer'),
    reproductionNotice: str('reproductionNotice'),
    seriesText: series,
    about: str('about'),
    showEmblem: typeof r.showEmblem === 'boolean' ? r.showEmblem : null,
    hasLogo: r.hasLogo === true,
  };
}

/** BrandInput is what PUT /api/brand takes: the profile without the read-only hasLogo. */
export type BrandInput = Omit<Brand, 'hasLogo'>;

/**
 * brandInput is the body to PUT: every field (the server starts from its
 * defaults, not from the stored profile), series texts left empty dropped.
 */
export function brandInput(b: Brand): BrandInput {
  const seriesText: Record<string, string> = {};
  for (const k of Object.keys(b.seriesText).sort()) {
    const v = b.seriesText[k];
    if (v !== undefined && v.trim() !== '') seriesText[k] = v;
  }
  return {
    projectName: b.projectName,
    tagline: b.tagline,
    website: b.website,
    contactEmail: b.contactEmail,
    social: b.social,
    primaryColor: b.primaryColor,
    accentColor: b.accentColor,
    funder: b.funder,
    grantAgreement: b.grantAgreement,
    fundingStatement: b.fundingStatement,
    disclaimer: b.disclaimer,
    reproductionNotice: b.reproductionNotice,
    seriesText,
    about: b.about,
    showEmblem: b.showEmblem,
  };
}

/** sameBrand tells whether two profiles would save the same (the form is unchanged). */
export function sameBrand(a: Brand, b: Brand): boolean {
  const norm = (x: Brand): string => {
    const i = brandInput(x);
    const t = (s: string): string => s.trim();
    return JSON.stringify({
      ...i,
      projectName: t(i.projectName),
      tagline: t(i.tagline),
      website: t(i.website),
      contactEmail: t(i.contactEmail),
      social: t(i.social),
      primaryColor: t(i.primaryColor).toUpperCase(),
      accentColor: t(i.accentColor).toUpperCase(),
      grantAgreement: t(i.grantAgreement),
    });
  };
  return norm(a) === norm(b);
}

/** getBrand reads the brand profile (any signed-in user). */
export async function getBrand(api: ApiClient): Promise<Brand> {
  return normalizeBrand(await api.request<unknown>('GET', '/api/brand'));
}

/** putBrand saves the brand profile (admins) and returns it as the server stored it. */
export async function putBrand(api: ApiClient, b: Brand): Promise<Brand> {
  return normalizeBrand(await api.request<unknown>('PUT', '/api/brand', { body: brandInput(b) }));
}

/** deleteLogo removes the stored logo (admins); the PDF then prints the project's name. */
export async function deleteLogo(api: ApiClient): Promise<void> {
  await api.request<void>('DELETE', '/api/brand/logo');
}

/** How the logo calls reach the server: they send raw bytes, which ApiClient (JSON only) does not. */
export interface LogoTransport {
  /** The session token, sent as a bearer token. */
  token: string | null;
  /** Prefix of the path ("" means this origin). */
  baseURL?: string;
  /** fetch to use (tests inject one). */
  fetch?: typeof fetch;
}

function transport(t: LogoTransport): { url: string; fetch: typeof fetch; headers: Record<string, string> } {
  const headers: Record<string, string> = {};
  if (t.token) headers['Authorization'] = `Bearer ${t.token}`;
  return {
    url: `${(t.baseURL ?? '').replace(/\/+$/, '')}/api/brand/logo`,
    fetch: t.fetch ?? globalThis.fetch.bind(globalThis),
    headers,
  };
}

function failure(res: Response): Promise<ApiError> {
  const msg =
    res.status === 413
      ? 'The logo is larger than 2 MB.'
      : res.status >= 500
        ? `The server had a problem (HTTP ${res.status}). Try again in a moment.`
        : `The request failed (HTTP ${res.status}).`;
  return errorFrom(res, msg);
}

async function send(f: typeof fetch, url: string, init: RequestInit): Promise<Response> {
  try {
    return await f(url, init);
  } catch (e) {
    if (e instanceof DOMException && e.name === 'AbortError') throw e;
    throw new ApiError('network', 'Cannot reach the Brief Studio server. Check your connection and try again.', 0);
  }
}

/** logoContentType is the Content-Type to send for a file: its own when PNG or JPEG, else octet-stream (the server decides). */
export function logoContentType(file: Blob): string {
  const t = file.type.toLowerCase();
  if (t === 'image/png' || t === 'image/jpeg') return t;
  if (t === 'image/jpg' || t === 'image/pjpeg') return 'image/jpeg';
  return 'application/octet-stream';
}

/**
 * logoFileError checks a chosen file before it is sent: PNG or JPEG by its
 * type or name, at most 2 MB. "" when it may be sent (the server still
 * decodes it whole).
 */
export function logoFileError(file: Blob & { name?: string }): string {
  const name = (file.name ?? '').toLowerCase();
  const type = file.type.toLowerCase();
  const ok = ['image/png', 'image/jpeg', 'image/jpg', 'image/pjpeg'].includes(type) || (type === '' && /\.(png|jpe?g)$/.test(name));
  if (!ok) return 'Choose a PNG or JPEG image.';
  if (file.size === 0) return 'This file is empty. Choose a PNG or JPEG image.';
  if (file.size > MAX_LOGO_BYTES) {
    return `This file is ${formatBytes(file.size)}; a logo can be at most 2 MB. Export a smaller PNG or JPEG and try again.`;
  }
  return '';
}

/** formatBytes writes a file size for people ("840 KB", "3.4 MB"). */
export function formatBytes(n: number): string {
  if (n < 1024) return `${n} bytes`;
  if (n < 1024 * 1024) return `${Math.round(n / 1024)} KB`;
  return `${(n / (1024 * 1024)).toFixed(1)} MB`;
}

/** uploadLogo sends a PNG or JPEG as the raw body of PUT /api/brand/logo (admins) → the brand, hasLogo true. */
export async function uploadLogo(t: LogoTransport, file: Blob): Promise<Brand> {
  const { url, fetch: f, headers } = transport(t);
  headers['Content-Type'] = logoContentType(file);
  headers['Accept'] = 'application/json';
  const res = await send(f, url, { method: 'PUT', headers, body: file, cache: 'no-store' });
  if (!res.ok) throw await failure(res);
  return normalizeBrand(await res.json());
}

/** fetchLogo reads the stored logo (it needs the bearer token, so no plain <img src>); null when there is none. */
export async function fetchLogo(t: LogoTransport): Promise<Blob | null> {
  const { url, fetch: f, headers } = transport(t);
  const res = await send(f, url, { method: 'GET', headers, cache: 'no-store' });
  if (res.status === 404) return null;
  if (!res.ok) throw await failure(res);
  return res.blob();
}

/** logoURL fetches the stored logo and returns an object URL for an <img> (revoke it when done), or null. */
export async function logoURL(t: LogoTransport): Promise<string | null> {
  const blob = await fetchLogo(t);
  return blob ? URL.createObjectURL(blob) : null;
}

// Client-side checks, the same rules as brief.Brand.Normalize.

const hexColor = /^#[0-9A-Fa-f]{6}$/;
const grantNumber = /^[0-9A-Za-z][0-9A-Za-z./-]{0,39}$/;
// A dot-atom on both sides of the @ (what Go's net/mail takes for a bare address), UTF-8 letters allowed.
const atom = "[A-Za-z0-9!#$%&'*+/=?^_`{|}~\\u0080-\\uFFFF-]+";
const emailRe = new RegExp(`^${atom}(\\.${atom})*@${atom}(\\.${atom})*$`);

/** isHexColor tells "#RRGGBB". */
export function isHexColor(s: string): boolean {
  return hexColor.test(s.trim());
}

/** websiteError checks an http(s) address; "" when fine or empty. */
export function websiteError(s: string): string {
  const t = s.trim();
  if (t === '') return '';
  let u: URL;
  try {
    u = new URL(t);
  } catch {
    return 'Write a web address that starts with https:// or http://, such as https://example.org.';
  }
  if ((u.protocol !== 'http:' && u.protocol !== 'https:') || u.hostname === '' || !/^https?:\/\/[^/]/i.test(t)) {
    return 'Write a web address that starts with https:// or http://, such as https://example.org.';
  }
  if (/\s/.test(t)) return 'A web address cannot contain spaces.';
  return '';
}

/** emailError checks a contact address; "" when fine or empty. */
export function emailError(s: string): string {
  const t = s.trim();
  if (t === '') return '';
  if (t.length > 254 || !emailRe.test(t)) return 'Write an e-mail address, such as team@example.org.';
  return '';
}

function tooLong(label: string, s: string, limit: number): string {
  const n = chars(s);
  return n > limit ? `${label} is ${n} characters long; at most ${limit}.` : '';
}

const labels: Record<keyof typeof BRAND_LIMITS, string> = {
  projectName: 'The project name',
  tagline: 'The tagline',
  social: 'The social handle',
  grantAgreement: 'The grant agreement number',
  fundingStatement: 'The funding statement',
  disclaimer: 'The disclaimer',
  reproductionNotice: 'The reproduction notice',
  about: 'The about text',
  seriesText: 'The series text',
};

/**
 * validateBrand checks a profile as the server will and returns a message
 * per field that is wrong (none: it may be saved). Series texts are named
 * "seriesText.TYPE".
 */
export function validateBrand(b: Brand): Partial<Record<BrandField, string>> {
  const out: Partial<Record<BrandField, string>> = {};
  const set = (f: BrandField, msg: string): void => {
    if (msg && !out[f]) out[f] = msg;
  };
  const trimmed = {
    projectName: b.projectName.trim(),
    tagline: b.tagline.trim(),
    social: b.social.trim(),
    grantAgreement: b.grantAgreement.trim(),
    fundingStatement: b.fundingStatement,
    disclaimer: b.disclaimer,
    reproductionNotice: b.reproductionNotice,
    about: b.about,
  };
  for (const [k, v] of Object.entries(trimmed) as [keyof typeof trimmed, string][]) {
    if (v.includes('\u0000')) set(k, `${labels[k]} contains a NUL character.`);
    set(k, tooLong(labels[k], v, BRAND_LIMITS[k]));
  }
  for (const [type, v] of Object.entries(b.seriesText)) {
    if (v.includes('\u0000')) set(`seriesText.${type}`, 'The series text contains a NUL character.');
    set(`seriesText.${type}`, tooLong(labels.seriesText, v, BRAND_LIMITS.seriesText));
  }
  if (!isHexColor(b.primaryColor)) set('primaryColor', 'Write a colour as # and six hexadecimal digits, such as #1F3A93.');
  if (!isHexColor(b.accentColor)) set('accentColor', 'Write a colour as # and six hexadecimal digits, such as #F2A900.');
  if (!isFunder(b.funder)) set('funder', 'Choose a funder profile.');
  const grant = trimmed.grantAgreement;
  if (grant !== '' && !grantNumber.test(grant)) {
    set('grantAgreement', 'Use letters, digits and - . / only, at most 40 characters, such as 770730 or 2019-1-DE01-KA203-005000.');
  } else if (grant === '' && isFunder(b.funder) && funderDefaults[b.funder].needsGrant) {
    set('grantAgreement', `${funderDefaults[b.funder].label} needs the grant agreement number (it is printed in every footer).`);
  }
  if (b.funder === 'custom' && b.fundingStatement.trim() === '') {
    set('fundingStatement', 'A custom funder needs a funding statement.');
  }
  set('contactEmail', emailError(b.contactEmail));
  set('website', websiteError(b.website));
  return out;
}

const serverFields = new Set<string>([
  'projectName',
  'tagline',
  'website',
  'contactEmail',
  'social',
  'primaryColor',
  'accentColor',
  'funder',
  'grantAgreement',
  'fundingStatement',
  'disclaimer',
  'reproductionNotice',
  'about',
  'showEmblem',
]);

/**
 * fieldOfError tells which field a server message is about: its messages
 * start with the field's JSON name ("contactEmail \"x\" is not an e-mail
 * address", "seriesText.discussion-brief is too long"). null when none.
 */
export function fieldOfError(message: string): BrandField | null {
  const m = /^(seriesText\.[A-Za-z0-9-]+|[A-Za-z]+)\b/.exec(message.trim());
  if (!m || !m[1]) return null;
  if (m[1].startsWith('seriesText.')) return m[1] as BrandField;
  return serverFields.has(m[1]) ? (m[1] as BrandField) : null;
}

/** rgb of "#RRGGBB", or null. */
function rgbOf(hex: string): [number, number, number] | null {
  const t = hex.trim();
  if (!hexColor.test(t)) return null;
  const n = parseInt(t.slice(1), 16);
  return [(n >> 16) & 255, (n >> 8) & 255, n & 255];
}

function lum([r, g, b]: [number, number, number]): number {
  const f = (c: number): number => {
    const s = c / 255;
    return s <= 0.03928 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4;
  };
  return 0.2126 * f(r) + 0.7152 * f(g) + 0.0722 * f(b);
}

/** contrast is the WCAG contrast ratio of two "#RRGGBB" colours (1 when either is not a colour). */
export function contrast(a: string, b: string): number {
  const x = rgbOf(a);
  const y = rgbOf(b);
  if (!x || !y) return 1;
  const [hi, lo] = [lum(x), lum(y)].sort((p, q) => q - p) as [number, number];
  return (hi + 0.05) / (lo + 0.05);
}

const WHITE = '#FFFFFF';
const INK = '#1C1C20';

/** onColor is the text colour that reads best on bg: white or ink (as the PDF picks it). */
export function onColor(bg: string): string {
  return contrast(WHITE, bg) >= contrast(INK, bg) ? WHITE : INK;
}

/** coverColours are the cover's colours as the PDF draws them: the block, its text, the series label and the rule. */
export function coverColours(primary: string, accent: string): { block: string; text: string; series: string; accent: string; onAccent: string } {
  const block = isHexColor(primary) ? primary.trim().toUpperCase() : DEFAULT_BRAND.primaryColor;
  const acc = isHexColor(accent) ? accent.trim().toUpperCase() : DEFAULT_BRAND.accentColor;
  const text = onColor(block);
  return { block, text, series: contrast(acc, block) >= 3 ? acc : text, accent: acc, onAccent: onColor(acc) };
}
