import { expect, test } from 'vitest';
import { parseRoute } from './route';

test('routes', () => {
  expect(parseRoute('')).toEqual({ page: 'briefs' });
  expect(parseRoute('#/')).toEqual({ page: 'briefs' });
  expect(parseRoute('#/b/abc123')).toEqual({ page: 'brief', id: 'abc123', tab: 'write' });
  expect(parseRoute('#/b/abc123/details')).toEqual({ page: 'brief', id: 'abc123', tab: 'details' });
  expect(parseRoute('#/b/ABC')).toEqual({ page: 'briefs' });
});
