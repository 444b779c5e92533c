// Workspaces of the desktop app (docs/API.md "Desktop: workspaces"): "This
// computer" and the shared servers the embedded server proxies to.

import type { ApiClient } from './client';
import type { User } from './types';

/** One workspace as GET /api/workspaces lists it. */
export interface Workspace {
  id: string;
  name: string;
  /** The shared server's address; "" for this computer. */
  url: string;
  user: User;
  addedAt?: string;
  online: boolean;
  /** The shared server refused the stored session: paste a new login link. */
  needsLogin: boolean;
  lastError?: string;
}

/** The id of this computer's workspace. */
export const LOCAL = 'local';

/** workspacePrefix is the API prefix of a workspace on the embedded server. */
export function workspacePrefix(id: string): string {
  return id === LOCAL || id === '' ? '' : `/w/${encodeURIComponent(id)}`;
}

/** workspaceWS turns the embedded server's websocket URL into a workspace's. */
export function workspaceWS(wsURL: string, id: string): string {
  if (id === LOCAL || id === '') return wsURL;
  const u = new URL(wsURL);
  u.pathname = u.pathname.replace(/\/api\/ws$/, `${workspacePrefix(id)}/api/ws`);
  return u.toString();
}

/** WorkspacesApi calls the embedded server's workspace routes (always on this computer). */
export class WorkspacesApi {
  readonly #api: ApiClient;
  constructor(api: ApiClient) {
    this.#api = api;
  }

  // The routes live on the embedded server itself, whichever workspace the client points at.
  #local<T>(method: string, path: string, body?: unknown): Promise<T> {
    return this.#api.request<T>(method, path, body === undefined ? { base: '' } : { body, base: '' });
  }

  list(): Promise<Workspace[]> {
    return this.#local('GET', '/api/workspaces');
  }

  add(link: string, name?: string): Promise<Workspace> {
    return this.#local('POST', '/api/workspaces', name ? { link, name } : { link });
  }

  remove(id: string): Promise<void> {
    return this.#local('DELETE', `/api/workspaces/${encodeURIComponent(id)}`);
  }
}
