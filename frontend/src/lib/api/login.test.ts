import { describe, expect, it } from 'vitest';
import { tokenFromInput, tokenFromLocation } from './login';

describe('tokenFromLocation', () => {
  it.each([
    ['/login', '?token=abc123', 'abc123'],
    ['/login/', '?token=abc123&x=1', 'abc123'],
    ['/login', '?token=', null],
    ['/login', '', null],
    ['/', '?token=abc123', null],
    ['/briefs/login-help', '?token=abc', null],
  ])('%s%s', (pathname, search, want) => {
    expect(tokenFromLocation({ pathname, search })).toBe(want);
  });
});

describe('tokenFromInput', () => {
  it.each([
    ['http://127.0.0.1:8737/login?token=T0k_en-1', 'T0k_en-1'],
    ['  https://briefs.example.org/login?token=abc%2Bdef  ', 'abc+def'],
    ['/login?token=rel', 'rel'],
    ['bare-token_123', 'bare-token_123'],
  ])('OK %s', (input, want) => {
    expect(tokenFromInput(input)).toEqual({ token: want });
  });

  it.each([
    ['', /Paste the login link/],
    ['   ', /Paste the login link/],
    ['https://briefs.example.org/login', /no login token/],
    ['two words', /no spaces/],
  ])('invalid %j', (input, want) => {
    const got = tokenFromInput(input);
    expect('error' in got && got.error).toMatch(want);
  });
});
