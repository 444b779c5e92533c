// Typed access to the Wails façade (Go package app, struct App) that the
// desktop window binds as window.go.app.App. Hand-written so the frontend
// builds without the Wails CLI; keep it in step with app/app.go.

import type { User } from './types';

/** What the desktop shell hands the UI at start: the local user's session. */
export interface DesktopBootstrap {
  sessionToken: string;
  user: User;
  /** ws://127.0.0.1:PORT/api/ws?… on the embedded server (the asset server carries no websocket). */
  wsURL: string;
  version: string;
  mode: 'desktop';
}

/** What the UI reports once a page has rendered (logged by the shell; the smoke test waits for it). */
export interface ReadyInfo {
  page: string;
  briefs: number;
  text: string;
}

/** The methods of app.App that Wails binds; each returns a promise that rejects with the Go error. */
export interface DesktopApp {
  Bootstrap(): Promise<DesktopBootstrap>;
  Ready(info: ReadyInfo): Promise<void>;
}

declare global {
  interface Window {
    go?: { app?: { App?: Partial<DesktopApp> } };
  }
}

/** desktopApp returns the bound façade when running inside the desktop window, else null. */
export function desktopApp(w: Pick<Window, 'go'> | undefined = globalThis.window): DesktopApp | null {
  const app = w?.go?.app?.App;
  if (app && typeof app.Bootstrap === 'function' && typeof app.Ready === 'function') {
    return app as DesktopApp;
  }
  return null;
}
