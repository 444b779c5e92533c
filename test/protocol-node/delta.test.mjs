// Unit tests of the code-point delta helpers of client.mjs (npm test).
import test from 'node:test';
import assert from 'node:assert/strict';
import { makeDelta, applyDelta, cpLength, codePointBlocks, spliceCodePoints, carry, carryChange, merge3, DeltaError } from './client.mjs';
import { diff_match_patch } from '@dmsnell/diff-match-patch';

const roundTrip = (a, b) => {
  const d = makeDelta(a, b);
  assert.equal(applyDelta(a, d), b, `delta ${JSON.stringify(d)} from ${JSON.stringify(a)}`);
  return d;
};

test('code-point lengths', () => {
  assert.equal(cpLength('a😀b'), 3);
  assert.equal(cpLength('😀😁'), 2);
  assert.equal(cpLength('👍🏽'), 2); // thumbs up + skin-tone modifier: two code points
  assert.equal(cpLength('Garcés-Mascareñas'), 17);
  assert.equal(cpLength('中文字'), 3);
});

test('the examples of PROTOCOL.md', () => {
  assert.equal(makeDelta('The cat sat.', 'The dog sat.'), '=4\t-3\t+dog\t=5');
  assert.equal(makeDelta('a😀', 'a😀é!'), '=2\t+%C3%A9!');
  assert.equal(makeDelta('', 'Hello'), '+Hello');
  assert.equal(makeDelta('Hello', 'Hello'), '=5');
  assert.equal(makeDelta('', ''), '');
  assert.equal(makeDelta('Hello', 'Hello world'), '=5\t+ world');
  assert.equal(applyDelta('Hello', '+Oh, \t=5'), 'Oh, Hello');
});

test('emoji outside the BMP: lengths count code points, pairs never split', () => {
  // 😀 = D83D DE00, 😁 = D83D DE01: a UTF-16 diff keeps the common high
  // surrogate D83D as an equality; the delta must not.
  const dmp = new diff_match_patch();
  const raw = dmp.diff_main('😀', '😁', false);
  assert.ok(raw.some(([op, s]) => op === 0 && s === '\uD83D'), 'the UTF-16 diff does split the pair');
  assert.equal(makeDelta('😀', '😁'), '-1\t+%F0%9F%98%81');
  assert.equal(makeDelta('😀😁', '😁😀'), roundTrip('😀😁', '😁😀'));
  assert.equal(makeDelta('x😀😁y', 'x😀😁y!'), '=4\t+!');
  assert.equal(makeDelta('😀😁', '😀😁👍🏽'), '=2\t+%F0%9F%91%8D%F0%9F%8F%BD');
  assert.equal(makeDelta('😀😁', '😁'), roundTrip('😀😁', '😁'));
  assert.equal(applyDelta('😀😁', makeDelta('😀😁', '😁')), '😁');
  assert.equal(makeDelta('😀😁', '😀'), '=1\t-1');
  assert.equal(makeDelta('a😀b', 'a😁b'), '=1\t-1\t+%F0%9F%98%81\t=1');
  // An insertion between two emoji that share the high surrogate.
  roundTrip('😀', '😁😀');
  roundTrip('😀😁', '😀中😁');
  roundTrip('😁😀😁', '😀');
});

test('no block of the converted diff splits a surrogate pair', () => {
  const dmp = new diff_match_patch();
  const pieces = ['😀', '😁', '👍🏽', '🏽', 'é', 'ñ', '中', '文', '字', 'a', ' ', '\uD83D\uDE02'];
  let seed = 7;
  const rnd = (n) => ((seed = (seed * 1103515245 + 12345) % 2147483648) % n);
  const word = () => Array.from({ length: rnd(8) }, () => pieces[rnd(pieces.length)]).join('');
  for (let i = 0; i < 500; i++) {
    const a = word();
    const b = word();
    for (const blk of codePointBlocks(dmp.diff_main(a, b, false))) {
      for (const s of [blk.eq, blk.del, blk.ins]) {
        if (s !== undefined) assert.ok(s.isWellFormed(), `${JSON.stringify(s)} from ${JSON.stringify(a)} → ${JSON.stringify(b)}`);
      }
    }
    const d = roundTrip(a, b);
    let covered = 0;
    for (const tok of d.split('\t')) if (tok[0] === '=' || tok[0] === '-') covered += Number(tok.slice(1));
    assert.equal(covered, cpLength(a));
  }
});

test('accents and CJK', () => {
  assert.equal(makeDelta('Jorgensen', 'Jørgensen'), '=1\t-1\t+%C3%B8\t=7');
  assert.equal(makeDelta('Garcés', 'Garcés-Mascareñas'), '=6\t+-Mascare%C3%B1as');
  assert.equal(makeDelta('中文', '中文字'), '=2\t+%E5%AD%97');
  assert.equal(makeDelta('中文字 x', '中字 x'), '=1\t-1\t=3');
  roundTrip('Jørgensen 中文字 😀', 'Garcés-Mascareñas 中字 😁 Jørgensen');
});

test('insert encoding is encodeURI with %20 written back as a space', () => {
  assert.equal(makeDelta('', 'a b'), '+a b');
  assert.equal(makeDelta('', '100%'), '+100%25');
  assert.equal(makeDelta('', 'a\tb'), '+a%09b');
  assert.equal(makeDelta('', 'a+b=c&d#e?'), '+a+b=c&d#e?');
  assert.equal(makeDelta('', '50%20off'), '+50%2520off');
  assert.equal(applyDelta('', '+50%2520off'), '50%20off');
  assert.equal(applyDelta('', '+a%23b%2Bc'), 'a#b+c'); // escapes encodeURI would not make still decode
});

test('applyDelta refuses a delta that does not cover its source', () => {
  assert.throws(() => applyDelta('abc', '=2'), DeltaError);
  assert.throws(() => applyDelta('abc', '=4'), DeltaError);
  assert.throws(() => applyDelta('a😀', '=3'), DeltaError); // 2 code points, 3 UTF-16 units
  assert.throws(() => applyDelta('abc', '=1\t*2'), DeltaError);
  assert.throws(() => applyDelta('', '+%E0%A4%A'), DeltaError);
  assert.throws(() => applyDelta('abc', ''), DeltaError);
  assert.equal(applyDelta('a😀', '=2'), 'a😀');
});

test('spliceCodePoints counts code points', () => {
  assert.equal(spliceCodePoints('a😀b', 2, 1, 'c'), 'a😀c');
  assert.equal(spliceCodePoints('😀😁', 1, 0, '中'), '😀中😁');
  assert.equal(spliceCodePoints('😀😁', 0, 1, ''), '😁');
});

test('carrying a change: patch_apply can drop a hunk, carry does not', () => {
  // Keystrokes typed between hello and welcome, at the start of the text,
  // while another author put a few hundred characters at the start.
  const hello = 'N24-100% N18-naïve—café N12-中文字 G08-Çağlar G07-😀 ¶ N01-Garcés';
  const local = 'N30-Jørgensen ' + hello;
  const others = Array.from({ length: 22 }, (_, i) => `G${30 - i}-👍🏽Łódź `).join('');
  const welcome = others + hello;
  const dmp = new diff_match_patch();
  const [fuzzy, results] = dmp.patch_apply(dmp.patch_make(hello, local), welcome);
  assert.deepEqual(results, [false], 'the fuzzy patch leaves the hunk out');
  assert.ok(!fuzzy.includes('N30'));
  const r = carryChange(hello, local, welcome);
  assert.equal(r.fuzzyFailed, true);
  assert.equal(r.text, others + 'N30-Jørgensen ' + hello);
  // The common case still goes through patch_apply.
  assert.deepEqual(carryChange('Hello world', 'Hello big world', 'Oh, Hello world!'), { text: 'Oh, Hello big world!', fuzzyFailed: false });
  assert.equal(carry('abc', 'abc', 'abcd'), 'abcd');
  assert.equal(carry('abc', 'xabc', 'abc'), 'xabc');
});

test('merge3 keeps both sides and never splits a surrogate pair', () => {
  assert.equal(merge3('a b c', 'a B c', 'a b c d'), 'a B c d');
  assert.equal(merge3('abc', 'Xabc', 'Yabc'), 'YXabc'); // the other side's insertion first
  assert.equal(merge3('abcdef', 'af', 'abXcdef'), 'aXf'); // a deletion keeps what c inserted inside it
  assert.equal(merge3('abc', 'ab', 'c'), ''); // both deleted
  assert.equal(merge3('😀', '😁', '😀!'), '😁!');
  assert.equal(merge3('😀😁', '😀中😁', '😁😀😁'), '😁😀中😁');
  let seed = 11;
  const rnd = (n) => ((seed = (seed * 1103515245 + 12345) % 2147483648) % n);
  const pieces = ['😀', '😁', '👍🏽', 'é', '中', 'a', ' '];
  const word = () => Array.from({ length: rnd(10) }, () => pieces[rnd(pieces.length)]).join('');
  for (let i = 0; i < 300; i++) {
    const a = word();
    const ins1 = '«' + i + '»';
    const ins2 = '‹' + i + '›';
    const b = spliceCodePoints(a, rnd(cpLength(a) + 1), 0, ins1);
    const c = spliceCodePoints(a, rnd(cpLength(a) + 1), rnd(3), ins2);
    const m = merge3(a, b, c);
    assert.ok(m.isWellFormed(), JSON.stringify([a, b, c, m]));
    assert.ok(m.includes(ins1) && m.includes(ins2), JSON.stringify([a, b, c, m]));
  }
});
