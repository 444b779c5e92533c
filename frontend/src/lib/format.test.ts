import { describe, expect, it } from 'vitest';
import { humanize, relativeTime, roleLabel } from './format';

describe('relativeTime', () => {
  const now = Date.parse('2026-03-10T12:00:00Z');
  it.each([
    ['2026-03-10T11:59:40Z', 'just now'],
    ['2026-03-10T11:55:00Z', '5 minutes ago'],
    ['2026-03-10T09:00:00Z', '3 hours ago'],
    ['2026-03-09T10:00:00Z', 'yesterday'],
    ['2026-03-07T12:00:00Z', '3 days ago'],
    ['2026-01-02T12:00:00Z', '2 Jan 2026'],
    ['not a date', ''],
  ])('%s', (iso, want) => {
    expect(relativeTime(iso, now)).toBe(want);
  });
});

describe('labels', () => {
  it('OK', () => {
    expect(humanize('policy-options-brief')).toBe('Policy options brief');
    expect(roleLabel('supervisor')).toBe('Supervisor');
    expect(roleLabel('')).toBe('');
  });
});
