import { expect, test } from 'vitest';
import { accentVars, contrastOnWhite, hexToRgb } from './brand';

test('brand accent', () => {
  expect(hexToRgb('#1F3A93')).toEqual([31, 58, 147]);
  expect(hexToRgb('red')).toBeNull();
  expect(contrastOnWhite([0, 0, 0])).toBeCloseTo(21, 0);
  expect(accentVars('#1F3A93', '#F2A900')?.['--bs-primary']).toBe('rgb(31 58 147)');
  // A pale primary is not readable under white text: the accent is tried, then nothing.
  expect(accentVars('#F2A900', '#FFEE00')).toBeNull();
  expect(accentVars('#FFEE00', '#145A32')?.['--bs-primary']).toBe('rgb(20 90 50)');
});
