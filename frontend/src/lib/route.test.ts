import { expect, test } from 'vitest';
import { historyHash, parseRoute } from './route';

test.each([
  ['', { page: 'briefs' }],
  ['#/', { page: 'briefs' }],
  ['#/brand', { page: 'brand' }],
  ['#/settings', { page: 'settings' }],
  ['#/b/abc123', { page: 'brief', id: 'abc123', tab: 'write' }],
  ['#/b/abc123/details', { page: 'brief', id: 'abc123', tab: 'details' }],
  ['#/b/abc123/history', { page: 'brief', id: 'abc123', tab: 'history' }],
  ['#/b/abc123/history?from=lastReviewed&to=current', { page: 'brief', id: 'abc123', tab: 'history', from: 'lastReviewed', to: 'current' }],
  ['#/b/abc123/history?from=<script>', { page: 'brief', id: 'abc123', tab: 'history' }],
  ['#/b/ABC', { page: 'briefs' }],
])('parseRoute(%s)', (hash, want) => {
  expect(parseRoute(hash)).toEqual(want);
});

test('historyHash round-trips', () => {
  expect(parseRoute(historyHash('abc', 'v2', 'current'))).toEqual({ page: 'brief', id: 'abc', tab: 'history', from: 'v2', to: 'current' });
  expect(historyHash('abc')).toBe('#/b/abc/history');
});
