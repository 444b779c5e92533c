import { describe, expect, it } from 'vitest';
import {
  DEFAULT_BRAND,
  brandInput,
  coverColours,
  fetchLogo,
  fieldOfError,
  logoFileError,
  normalizeBrand,
  sameBrand,
  uploadLogo,
  validateBrand,
  type Brand,
  type BrandField,
} from './brand';
import { ApiError } from './client';

function brand(over: Partial<Brand> = {}): Brand {
  return { ...DEFAULT_BRAND, seriesText: {}, ...over };
}

interface Call {
  url: string;
  init: RequestInit;
}

function recorder(answer: () => Response): { calls: Call[]; fetch: typeof fetch } {
  const calls: Call[] = [];
  const f = (async (url: string | URL | Request, init?: RequestInit) => {
    calls.push({ url: String(url), init: init ?? {} });
    return answer();
  }) as typeof fetch;
  return { calls, fetch: f };
}

function json(status: number, body: unknown): Response {
  return new Response(JSON.stringify(body), { status, headers: { 'Content-Type': 'application/json' } });
}

describe('validateBrand', () => {
  it('accepts the default profile and a full one', () => {
    expect(validateBrand(brand())).toEqual({});
    expect(
      validateBrand(
        brand({
          projectName: 'ReSOMA',
          tagline: 'Research Social Platform on Migration and Asylum',
          website: 'https://example.org/path?q=1',
          contactEmail: 'team@example.org',
          social: '@example',
          primaryColor: '#1f3a93',
          accentColor: '#F2A900',
          funder: 'h2020',
          grantAgreement: '770730',
          seriesText: { 'discussion-brief': 'The Discussion Briefs take stock.' },
        }),
      ),
    ).toEqual({});
  });

  const cases: [string, Partial<Brand>, BrandField | null, RegExp?][] = [
    ['a colour without #', { primaryColor: '1F3A93' }, 'primaryColor', /#1F3A93/],
    ['a three-digit colour', { accentColor: '#FA0' }, 'accentColor'],
    ['a colour with a non-hex digit', { primaryColor: '#1F3A9G' }, 'primaryColor'],
    ['a colour name', { primaryColor: 'navy' }, 'primaryColor'],
    ['an ftp website', { website: 'ftp://example.org' }, 'website', /https:\/\//],
    ['a website with no scheme', { website: 'example.org' }, 'website'],
    ['a website with no slashes', { website: 'https:example.org' }, 'website'],
    ['an http website', { website: 'http://example.org' }, null],
    ['a website with spaces around it', { website: '  https://example.org  ' }, null],
    ['an e-mail with no @', { contactEmail: 'team.example.org' }, 'contactEmail', /e-mail address/],
    ['an e-mail with two @', { contactEmail: 'a@b@example.org' }, 'contactEmail'],
    ['an e-mail with a display name', { contactEmail: 'Team <team@example.org>' }, 'contactEmail'],
    ['an e-mail with a space', { contactEmail: 'te am@example.org' }, 'contactEmail'],
    ['an e-mail with a double dot', { contactEmail: 'te..am@example.org' }, 'contactEmail'],
    ['an e-mail with plus and accents', { contactEmail: 'équipe+brief@exämple.org' }, null],
    ['h2020 without a grant number', { funder: 'h2020' }, 'grantAgreement', /Horizon 2020 needs/],
    ['horizon-europe without a grant number', { funder: 'horizon-europe', grantAgreement: '   ' }, 'grantAgreement'],
    ['horizon-europe with a grant number', { funder: 'horizon-europe', grantAgreement: '101004564' }, null],
    ['a programme grant number', { funder: 'h2020', grantAgreement: '2019-1-DE01-KA203-005000' }, null],
    ['a grant number with a space', { funder: 'h2020', grantAgreement: '770 730' }, 'grantAgreement', /letters, digits/],
    ['a grant number starting with a dash', { grantAgreement: '-770730' }, 'grantAgreement'],
    ['a grant number of 41 characters', { grantAgreement: '1'.repeat(41) }, 'grantAgreement'],
    ['a grant number of 40 characters', { grantAgreement: '1'.repeat(40) }, null],
    ['none needs no grant number', { funder: 'none' }, null],
    ['custom without a statement', { funder: 'custom', fundingStatement: '  ' }, 'fundingStatement', /custom funder/],
    ['custom with a statement', { funder: 'custom', fundingStatement: 'Funded by the Foundation.' }, null],
    ['an unknown funder', { funder: 'erasmus' as Brand['funder'] }, 'funder'],
    ['a project name of 81 characters', { projectName: 'x'.repeat(81) }, 'projectName', /81 characters long; at most 80/],
    ['a project name of 80 characters', { projectName: 'x'.repeat(80) }, null],
    ['a project name of 80 characters and spaces around', { projectName: `  ${'x'.repeat(80)}  ` }, null],
    ['80 emoji (code points are counted, not UTF-16 units)', { projectName: '😀'.repeat(80) }, null],
    ['a tagline of 201 characters', { tagline: 't'.repeat(201) }, 'tagline'],
    ['a social handle of 81 characters', { social: '@'.repeat(81) }, 'social'],
    ['a funding statement of 401 characters', { fundingStatement: 'f'.repeat(401) }, 'fundingStatement'],
    ['a disclaimer of 1201 characters', { disclaimer: 'd'.repeat(1201) }, 'disclaimer'],
    ['a disclaimer of 1200 characters', { disclaimer: 'd'.repeat(1200) }, null],
    ['a reproduction notice of 401 characters', { reproductionNotice: 'r'.repeat(401) }, 'reproductionNotice'],
    ['an about text of 2501 characters', { about: 'a'.repeat(2501) }, 'about'],
    ['a series text of 1201 characters', { seriesText: { 'discussion-brief': 's'.repeat(1201) } }, 'seriesText.discussion-brief'],
    ['a NUL in the tagline', { tagline: 'a\u0000b' }, 'tagline', /NUL/],
  ];
  for (const [name, over, field, msg] of cases) {
    it(name, () => {
      const errs = validateBrand(brand(over));
      if (field === null) {
        expect(errs).toEqual({});
        return;
      }
      expect(Object.keys(errs)).toEqual([field]);
      if (msg) expect(errs[field]).toMatch(msg);
    });
  }

  it('names every wrong field at once', () => {
    const errs = validateBrand(brand({ primaryColor: 'x', contactEmail: 'nope', funder: 'h2020', website: 'nope' }));
    expect(Object.keys(errs).sort()).toEqual(['contactEmail', 'grantAgreement', 'primaryColor', 'website']);
  });
});

describe('fieldOfError', () => {
  const cases: [string, BrandField | null][] = [
    ['contactEmail "x" is not an e-mail address', 'contactEmail'],
    ['grantAgreement is required for funder h2020 (it is printed in every footer)', 'grantAgreement'],
    ['primaryColor must be a colour such as #1F3A93, not "x"', 'primaryColor'],
    ['seriesText.discussion-brief is too long: 1300 characters (at most 1200)', 'seriesText.discussion-brief'],
    ['fundingStatement is required for funder custom', 'fundingStatement'],
    ['seriesText: unknown brief type "x"', null],
    ['the logo must be a PNG or JPEG image', null],
    ['request body is not valid JSON', null],
  ];
  for (const [msg, want] of cases) {
    it(msg, () => expect(fieldOfError(msg)).toBe(want));
  }
});

describe('brandInput and sameBrand', () => {
  it('sends every field but hasLogo, and drops empty series texts', () => {
    const b = brand({ hasLogo: true, showEmblem: false, seriesText: { 'discussion-brief': 'Text', 'synthetic-report': '  ' } });
    const i = brandInput(b);
    expect('hasLogo' in i).toBe(false);
    expect(i.showEmblem).toBe(false);
    expect(i.seriesText).toEqual({ 'discussion-brief': 'Text' });
    expect(Object.keys(i).sort()).toEqual(
      [
        'about',
        'accentColor',
        'contactEmail',
        'disclaimer',
        'funder',
        'fundingStatement',
        'grantAgreement',
        'primaryColor',
        'projectName',
        'reproductionNotice',
        'seriesText',
        'showEmblem',
        'social',
        'tagline',
        'website',
      ].sort(),
    );
  });

  it('sees no change in what the server would normalise away', () => {
    const a = brand({ primaryColor: '#1F3A93', projectName: 'ReSOMA' });
    expect(sameBrand(a, brand({ primaryColor: '#1f3a93 ', projectName: ' ReSOMA', seriesText: { 'discussion-brief': '' } }))).toBe(true);
    expect(sameBrand(a, brand({ primaryColor: '#1F3A94', projectName: 'ReSOMA' }))).toBe(false);
    expect(sameBrand(a, brand({ primaryColor: '#1F3A93', projectName: 'ReSOMA', showEmblem: true }))).toBe(false);
  });

  it('fills what an answer leaves out', () => {
    const b = normalizeBrand({ projectName: 'X', funder: 'bogus', seriesText: { a: 'b', c: 3 }, showEmblem: true, hasLogo: true });
    expect(b.projectName).toBe('X');
    expect(b.funder).toBe('none');
    expect(b.primaryColor).toBe('#1F3A93');
    expect(b.seriesText).toEqual({ a: 'b' });
    expect(b.showEmblem).toBe(true);
    expect(b.hasLogo).toBe(true);
    expect(normalizeBrand(null)).toEqual({ ...DEFAULT_BRAND, seriesText: {} });
  });
});

describe('uploadLogo', () => {
  it('PUTs the raw file with its Content-Type and the bearer token', async () => {
    const r = recorder(() => json(200, { ...DEFAULT_BRAND, hasLogo: true }));
    const file = new Blob([new Uint8Array([0x89, 0x50, 0x4e, 0x47])], { type: 'image/png' });
    const got = await uploadLogo({ token: 'bss_1', fetch: r.fetch }, file);
    expect(got.hasLogo).toBe(true);
    expect(r.calls).toHaveLength(1);
    const c = r.calls[0]!;
    expect(c.url).toBe('/api/brand/logo');
    expect(c.init.method).toBe('PUT');
    expect(c.init.body).toBe(file);
    const h = c.init.headers as Record<string, string>;
    expect(h['Content-Type']).toBe('image/png');
    expect(h['Authorization']).toBe('Bearer bss_1');
  });

  it('sends a JPEG as image/jpeg and an unknown type as octet-stream, under a base URL', async () => {
    const r = recorder(() => json(200, DEFAULT_BRAND));
    await uploadLogo({ token: 't', baseURL: 'http://127.0.0.1:9/', fetch: r.fetch }, new Blob(['x'], { type: 'image/jpg' }));
    await uploadLogo({ token: null, fetch: r.fetch }, new Blob(['x']));
    expect(r.calls[0]!.url).toBe('http://127.0.0.1:9/api/brand/logo');
    expect((r.calls[0]!.init.headers as Record<string, string>)['Content-Type']).toBe('image/jpeg');
    const h = r.calls[1]!.init.headers as Record<string, string>;
    expect(h['Content-Type']).toBe('application/octet-stream');
    expect(h['Authorization']).toBeUndefined();
  });

  it("throws the server's error as an ApiError", async () => {
    const r = recorder(() => json(400, { error: { code: 'invalid', message: 'the logo must be a PNG or JPEG image' } }));
    const err = await uploadLogo({ token: 't', fetch: r.fetch }, new Blob(['junk'], { type: 'image/png' })).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ApiError);
    expect((err as ApiError).code).toBe('invalid');
    expect((err as ApiError).status).toBe(400);
    expect((err as ApiError).message).toBe('the logo must be a PNG or JPEG image');
  });

  it('says so when the answer is a bare 413 or the network is down', async () => {
    const big = recorder(() => new Response('too big', { status: 413 }));
    const e1 = (await uploadLogo({ token: 't', fetch: big.fetch }, new Blob(['x'])).catch((e: unknown) => e)) as ApiError;
    expect(e1.code).toBe('too_large');
    expect(e1.message).toMatch(/2 MB/);
    const down = (async () => {
      throw new TypeError('Failed to fetch');
    }) as typeof fetch;
    const e2 = (await uploadLogo({ token: 't', fetch: down }, new Blob(['x'])).catch((e: unknown) => e)) as ApiError;
    expect(e2.code).toBe('network');
  });
});

describe('fetchLogo', () => {
  it('GETs with the token; null for 404', async () => {
    const r = recorder(() => new Response(new Uint8Array([1, 2, 3]), { status: 200, headers: { 'Content-Type': 'image/png' } }));
    const blob = await fetchLogo({ token: 'bss_2', fetch: r.fetch });
    expect(blob?.size).toBe(3);
    expect(r.calls[0]!.init.method).toBe('GET');
    expect((r.calls[0]!.init.headers as Record<string, string>)['Authorization']).toBe('Bearer bss_2');
    const none = recorder(() => json(404, { error: { code: 'not_found', message: 'the brand has no logo' } }));
    expect(await fetchLogo({ token: 't', fetch: none.fetch })).toBeNull();
  });
});

describe('logoFileError', () => {
  const file = (size: number, type: string, name = 'logo'): Blob & { name: string } =>
    Object.assign(new Blob([new Uint8Array(size)], { type }), { name });
  it('takes PNG and JPEG up to 2 MB', () => {
    expect(logoFileError(file(10, 'image/png'))).toBe('');
    expect(logoFileError(file(10, 'image/jpeg'))).toBe('');
    expect(logoFileError(file(2 * 1024 * 1024, 'image/png'))).toBe('');
    expect(logoFileError(file(10, '', 'logo.JPG'))).toBe('');
  });
  it('refuses other types, empty files and files over 2 MB', () => {
    expect(logoFileError(file(10, 'image/svg+xml', 'logo.svg'))).toMatch(/PNG or JPEG/);
    expect(logoFileError(file(10, 'application/pdf', 'logo.png'))).toMatch(/PNG or JPEG/);
    expect(logoFileError(file(0, 'image/png'))).toMatch(/empty/);
    expect(logoFileError(file(2 * 1024 * 1024 + 1, 'image/png'))).toMatch(/2\.0 MB; a logo can be at most 2 MB/);
    expect(logoFileError(file(3_500_000, 'image/png'))).toMatch(/3\.3 MB/);
  });
});

describe('coverColours', () => {
  it('puts white text on a dark block and ink on a light one', () => {
    expect(coverColours('#1F3A93', '#F2A900')).toMatchObject({ block: '#1F3A93', text: '#FFFFFF', series: '#F2A900', onAccent: '#1C1C20' });
    expect(coverColours('#FAFAFA', '#FFFF00').text).toBe('#1C1C20');
  });
  it('falls back to the text colour when the accent does not stand out, and to the defaults when invalid', () => {
    expect(coverColours('#1F3A93', '#1F3A94').series).toBe('#FFFFFF');
    expect(coverColours('nope', '#12').block).toBe('#1F3A93');
  });
});
