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

/** app.ExportRequest */
export interface ExportRequest {
  briefId: string;
  /** The workspace the brief lives in ("local" or a shared server's id). */
  workspace: string;
  version: string;
  fileName: string;
}

/** app.SavedFile */
export interface SavedFile {
  path: string;
  bytes: number;
  cancelled: boolean;
}

/** app.ImportRequest: `type` "auto" takes it from the file's front matter; no `path` opens the Open dialog. */
export interface ImportRequest {
  /** The workspace to import into ("local" or a shared server's id). */
  workspace: string;
  type: string;
  path: string;
}

/** app.Imported */
export interface Imported {
  briefId: string;
  title: string;
  report?: unknown;
  path: string;
  cancelled: boolean;
}

/** The methods of app.App that Wails binds; each returns a promise that rejects with the Go error. */
export interface DesktopApp {
  Bootstrap(): Promise<DesktopBootstrap>;
  Ready(info: ReadyInfo): Promise<void>;
  /** Native Save dialog, then the PDF is written there. */
  SavePDF?(req: ExportRequest): Promise<SavedFile>;
  /** Native Open dialog (or `path`), then the file is imported. */
  ImportMarkdown?(req: ImportRequest): Promise<Imported>;
  /** Opens a file saved from this window with the default application. */
  OpenFile?(path: string): Promise<void>;
  ShowInFolder?(path: string): Promise<void>;
  SetTitle?(title: string): Promise<void>;
  Notify?(n: { title: string; body: string }): Promise<void>;
  /** Markdown files named on the command line that started the window (given once). */
  TakeOpenFiles?(): Promise<string[]>;
}

/** The Wails runtime's event functions (window.runtime). */
interface WailsRuntime {
  EventsOn?(name: string, cb: (...data: unknown[]) => void): () => void;
}

declare global {
  interface Window {
    go?: { app?: { App?: Partial<DesktopApp> } };
    runtime?: WailsRuntime;
  }
}

/**
 * onDesktopEvent listens to an event of the desktop shell ("menu" with the
 * item's name, "open-file" with a path); it returns the function that stops
 * listening (a no-op in a browser).
 */
export function onDesktopEvent(name: string, cb: (arg: string) => void, w: Pick<Window, 'runtime'> | undefined = globalThis.window): () => void {
  const on = w?.runtime?.EventsOn;
  if (typeof on !== 'function') return () => {};
  return on(name, (...data: unknown[]) => cb(typeof data[0] === 'string' ? data[0] : ''));
}

/** desktopApp returns the bound façade when running inside the desktop window, else null. */
export function desktopApp(w: Pick<Window, 'go'> | undefined = globalThis.window): DesktopApp | null {
  const app = w?.go?.app?.App;
  if (app && typeof app.Bootstrap === 'function' && typeof app.Ready === 'function') {
    return app as DesktopApp;
  }
  return null;
}
