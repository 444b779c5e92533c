import { describe, expect, test } from 'vitest';
import { languageError, monthYearError, normalizeMonthYear, splitList, titleError } from './metadata';

describe('metadata checks', () => {
  test('month and year', () => {
    expect(normalizeMonthYear('september 2019')).toBe('September 2019');
    expect(normalizeMonthYear(' Sep   2019 ')).toBe('September 2019');
    expect(normalizeMonthYear('')).toBe('');
    expect(normalizeMonthYear('Sept 2019x')).toBeNull();
    expect(normalizeMonthYear('Sept 2019')).toBeNull();
    expect(monthYearError('Sept 2019x')).toMatch(/month and year/);
    expect(monthYearError('May 2020')).toBe('');
  });
  test('language and title', () => {
    expect(languageError('en')).toBe('');
    expect(languageError('eng')).not.toBe('');
    expect(titleError('  ')).not.toBe('');
    expect(titleError('A title')).toBe('');
  });
  test('lists', () => {
    expect(splitList('a, b;c\n\n d ')).toEqual(['a', 'b', 'c', 'd']);
  });
});
