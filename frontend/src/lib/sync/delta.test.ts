import { describe, expect, test } from 'vitest';
import { diff_match_patch } from '@dmsnell/diff-match-patch';
import {
  applyDelta,
  codePointBlocks,
  cpLength,
  cpToUtf16,
  DeltaError,
  makeDelta,
  merge3,
  minimalChanges,
  spliceCodePoints,
  utf16ToCp,
} from './delta';

const roundTrip = (a: string, b: string): string => {
  const d = makeDelta(a, b);
  expect(applyDelta(a, d), `delta ${JSON.stringify(d)} from ${JSON.stringify(a)}`).toBe(b);
  return d;
};

describe('code points', () => {
  test('lengths count code points, not UTF-16 units', () => {
    expect(cpLength('a😀b')).toBe(3);
    expect(cpLength('😀😁')).toBe(2);
    expect(cpLength('👍🏽')).toBe(2);
    expect(cpLength('Garcés-Mascareñas')).toBe(17);
    expect(cpLength('中文字')).toBe(3);
    expect(cpLength('\uD83D')).toBe(1); // a lone surrogate is one code point
  });

  test('offsets convert both ways around emoji', () => {
    const s = 'a😀b😁c';
    expect(utf16ToCp(s, 0)).toBe(0);
    expect(utf16ToCp(s, 1)).toBe(1);
    expect(utf16ToCp(s, 3)).toBe(2); // after 😀
    expect(utf16ToCp(s, 4)).toBe(3);
    expect(utf16ToCp(s, s.length)).toBe(5);
    for (let cp = 0; cp <= 5; cp++) expect(utf16ToCp(s, cpToUtf16(s, cp))).toBe(cp);
    expect(cpToUtf16(s, 99)).toBe(s.length);
  });
});

describe('deltas', () => {
  test('the examples of PROTOCOL.md', () => {
    expect(makeDelta('The cat sat.', 'The dog sat.')).toBe('=4\t-3\t+dog\t=5');
    expect(makeDelta('a😀', 'a😀é!')).toBe('=2\t+%C3%A9!');
    expect(makeDelta('', 'Hello')).toBe('+Hello');
    expect(makeDelta('Hello', 'Hello')).toBe('=5');
    expect(makeDelta('', '')).toBe('');
    expect(applyDelta('Hello', '+Oh, \t=5')).toBe('Oh, Hello');
    expect(applyDelta('Hello world', '=11')).toBe('Hello world');
  });

  test('inserts are encoded like encodeURI with spaces kept, and decode any escape', () => {
    expect(makeDelta('', 'a b%c#d+e&f')).toBe('+a b%25c#d+e&f');
    expect(applyDelta('', '+a%20b%23%2B')).toBe('a b#+');
  });

  test('emoji sharing a high surrogate: no pair is split', () => {
    const dmp = new diff_match_patch();
    const raw = dmp.diff_main('😀', '😁', false);
    expect(raw.some((d) => d[0] === 0 && d[1] === '\uD83D')).toBe(true);
    expect(makeDelta('😀', '😁')).toBe('-1\t+%F0%9F%98%81');
    expect(makeDelta('x😀😁y', 'x😀😁y!')).toBe('=4\t+!');
    expect(makeDelta('a😀b', 'a😁b')).toBe('=1\t-1\t+%F0%9F%98%81\t=1');
    expect(makeDelta('😀😁', '😀')).toBe('=1\t-1');
    roundTrip('😀', '😁😀');
    roundTrip('😀😁', '😀中😁');
    roundTrip('😁😀😁', '😀');
    roundTrip('👍🏽 ok', '👍 ok');
  });

  test('random texts with surrogates round-trip and blocks never split a pair', () => {
    const dmp = new diff_match_patch();
    const pieces = ['😀', '😁', '👍🏽', '🏽', 'é', 'ñ', '中', 'a', ' ', '\n', '😂'];
    let seed = 11;
    const rnd = (n: number): number => (seed = (seed * 1103515245 + 12345) % 2147483648) % n;
    const word = (): string => Array.from({ length: rnd(10) }, () => pieces[rnd(pieces.length)]).join('');
    const whole = (s: string): boolean => s === '' || (!/^[\uDC00-\uDFFF]/.test(s) && !/[\uD800-\uDBFF]$/.test(s));
    for (let i = 0; i < 400; i++) {
      const a = word();
      const b = word();
      roundTrip(a, b);
      for (const blk of codePointBlocks(dmp.diff_main(a, b, false))) {
        if ('eq' in blk) expect(whole(blk.eq)).toBe(true);
        else expect(whole(blk.del) && whole(blk.ins)).toBe(true);
      }
    }
  });

  test('a delta that does not fit is refused', () => {
    expect(() => applyDelta('abc', '=4')).toThrow(DeltaError);
    expect(() => applyDelta('abc', '=2')).toThrow(DeltaError);
    expect(() => applyDelta('abc', '=x')).toThrow(DeltaError);
    expect(() => applyDelta('abc', '?3')).toThrow(DeltaError);
    expect(() => applyDelta('', '+%E0%A4%A')).toThrow(DeltaError);
    expect(() => applyDelta('a', '')).toThrow(DeltaError);
    // "a😀" has two code points, not three units.
    expect(() => applyDelta('a😀', '=3')).toThrow(DeltaError);
    expect(applyDelta('a😀', '=2\t+!')).toBe('a😀!');
  });

  test('splicing by code points', () => {
    expect(spliceCodePoints('a😀b', 1, 1, 'X')).toBe('aXb');
    expect(spliceCodePoints('a😀b', 3, 0, '!')).toBe('a😀b!');
  });
});

describe('carrying a change onto typed text (merge3)', () => {
  test('both sides keep their words', () => {
    expect(merge3('Hello world', 'Oh, Hello world', 'Hello world!')).toBe('Oh, Hello world!');
    expect(merge3('The cat sat.', 'The dog sat.', 'The cat sat. It purred.')).toBe('The dog sat. It purred.');
  });
  test('insertions at the same place are both kept', () => {
    const r = merge3('ab', 'aXb', 'aYb');
    expect(r.length).toBe(4);
    expect(r).toContain('X');
    expect(r).toContain('Y');
  });
  test('emoji stay whole', () => {
    expect(merge3('😀 a', '😁 a', '😀 a b')).toBe('😁 a b');
  });
  test('identity cases', () => {
    expect(merge3('a', 'b', 'a')).toBe('b');
    expect(merge3('a', 'a', 'c')).toBe('c');
  });
  test('a 60 KB text merges quickly', () => {
    const para = 'Policy options for the integration of refugees in the labour market. ';
    const a = para.repeat(900);
    const b = 'New start. ' + a;
    const c = a.slice(0, 30000) + 'typed here ' + a.slice(30000);
    const t = performance.now();
    const r = merge3(a, b, c);
    expect(performance.now() - t).toBeLessThan(200);
    expect(r).toBe('New start. ' + c);
  });
});

describe('minimal changes for the editor', () => {
  test('only the changed part is replaced', () => {
    expect(minimalChanges('Hello world', 'Hello big world')).toEqual([{ from: 6, to: 6, insert: 'big ' }]);
    expect(minimalChanges('same', 'same')).toEqual([]);
    const ch = minimalChanges('a😀b', 'a😁b');
    expect(ch).toEqual([{ from: 1, to: 3, insert: '😁' }]);
  });
});
