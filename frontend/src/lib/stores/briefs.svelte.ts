// The list of briefs the user may see, and the templates to create one from.

import type { ApiClient } from '$lib/api/client';
import { ApiError, errorMessage } from '$lib/api/client';
import type { Brief, BriefSummary, Template } from '$lib/api/types';
import { humanize } from '$lib/format';

/** Briefs wraps GET/POST /api/briefs and GET /api/templates for the list page. */
export class Briefs {
  items = $state<BriefSummary[]>([]);
  templates = $state<Template[]>([]);
  /** True once the list has been loaded at least once. */
  loaded = $state(false);
  loading = $state(false);
  /** Why the last load failed ("" when it did not). */
  error = $state('');

  readonly #api: ApiClient;

  constructor(api: ApiClient) {
    this.#api = api;
  }

  /** load fetches the list and the templates together. */
  async load(): Promise<void> {
    this.loading = true;
    try {
      const [items, templates] = await Promise.all([this.#api.listBriefs(), this.#api.templates()]);
      this.items = sortByUpdated(items ?? []);
      this.templates = templates ?? [];
      this.error = '';
      this.loaded = true;
    } catch (e) {
      if (!(e instanceof ApiError && e.status === 401)) this.error = errorMessage(e);
    } finally {
      this.loading = false;
    }
  }

  /** refresh reloads the list only. */
  async refresh(): Promise<void> {
    try {
      this.items = sortByUpdated((await this.#api.listBriefs()) ?? []);
      this.error = '';
    } catch (e) {
      if (!(e instanceof ApiError && e.status === 401)) this.error = errorMessage(e);
    }
  }

  /** create makes a brief from a template and refreshes the list; it throws ApiError on failure. */
  async create(type: string, title: string): Promise<Brief> {
    const brief = await this.#api.createBrief({ type, title });
    await this.refresh();
    return brief;
  }

  /** typeName is the template's name for a type. */
  typeName(type: string): string {
    return this.templates.find((t) => t.type === type)?.name ?? humanize(type);
  }
}

function sortByUpdated(items: BriefSummary[]): BriefSummary[] {
  return [...items].sort((a, b) => Date.parse(b.updatedAt) - Date.parse(a.updatedAt));
}
