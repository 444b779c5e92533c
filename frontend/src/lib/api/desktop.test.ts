import { describe, expect, it } from 'vitest';
import { desktopApp, type DesktopApp } from './desktop';

describe('desktopApp', () => {
  it('finds the bound façade', () => {
    const app: DesktopApp = {
      Bootstrap: () => Promise.reject(new Error('unused')),
      Ready: () => Promise.resolve(),
    };
    expect(desktopApp({ go: { app: { App: app } } })).toBe(app);
  });

  it.each([
    ['no window', undefined],
    ['a browser', {}],
    ['another package', { go: { other: {} } as never }],
    ['missing methods', { go: { app: { App: { Ready: () => Promise.resolve() } } } }],
  ])('is null in %s', (_name, w) => {
    expect(desktopApp(w)).toBeNull();
  });
});
