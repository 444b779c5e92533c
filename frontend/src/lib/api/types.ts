// Types of the Brief Studio HTTP API (docs: DESIGN.md, "HTTP API").

/** A user's default role; the role on a brief is per membership. */
export type Role = 'author' | 'supervisor' | 'admin';

/** A brief's place in the review workflow. */
export type BriefStatus = 'draft' | 'in_review' | 'changes_requested' | 'approved';

/** The signed-in user, as GET /api/me and POST /api/login return it. */
export interface User {
  id: number;
  email: string;
  name: string;
  role: Role;
}

/** The answer of POST /api/login. */
export interface LoginResult {
  sessionToken: string;
  /** RFC 3339 time after which the session no longer works. */
  expiresAt: string;
  user: User;
}

/** One row of GET /api/briefs. */
export interface BriefSummary {
  /** Opaque id (12 lower-case letters and digits). */
  id: string;
  /** Template type, e.g. "policy-options-brief". */
  type: string;
  title: string;
  status: BriefStatus;
  /** The caller's membership role: "author" or "supervisor"; "" for an admin who is not a member. */
  role: string;
  /** RFC 3339. */
  createdAt?: string;
  /** RFC 3339; the list comes most recently changed first. */
  updatedAt: string;
  /** Unresolved comment threads. */
  openComments?: number;
  /** Open suggestions (unresolved merges included). */
  openSuggestions?: number;
  /** The caller's last review ("v3"), or null. */
  lastReviewedVersion?: string | null;
  /** The text or outline moved since the caller's last review. */
  changedSinceReview?: boolean;
  archived?: boolean;
}

/** A section slot of a template. */
export interface TemplateSection {
  key: string;
  title: string;
}

/** One brief type, as GET /api/templates lists them. */
export interface Template {
  type: string;
  name: string;
  sections: TemplateSection[];
}

/** A section of a brief with its text and version. */
export interface Section {
  key: string;
  title: string;
  text: string;
  version: number;
}

/** A whole brief, as GET /api/briefs/{id} and POST /api/briefs return it. */
export interface Brief {
  id: string;
  type: string;
  title: string;
  status: BriefStatus;
  metadata: Metadata;
  sections: Section[];
  role?: string;
  createdAt?: string;
  updatedAt?: string;
  lastReviewedVersion?: string | null;
}

/** An author line of the metadata. */
export interface MetaAuthor {
  name: string;
  affiliation?: string;
}

/** A brief's metadata (cover, inside cover, PDF properties). */
export interface Metadata {
  subtitle?: string;
  authors?: MetaAuthor[];
  supervisors?: string[];
  topic?: string;
  series?: string;
  date?: string;
  manuscriptCompleted?: string;
  language?: string;
  keywords?: string[];
}

/** The body of PATCH /api/briefs/{id}. */
export interface BriefPatch {
  title?: string;
  metadata?: Partial<Metadata>;
  sections?: { key: string; title?: string }[];
}

/** One hit of GET /api/search. */
export interface SearchHit {
  id: string;
  title: string;
  section: string;
  sectionTitle?: string;
  snippet: string;
}

/** The brand profile (GET /api/brand); the UI takes its accent from it. */
export interface Brand {
  projectName?: string;
  primaryColor?: string;
  accentColor?: string;
  [k: string]: unknown;
}

/** The body of POST /api/briefs. */
export interface NewBrief {
  type: string;
  title: string;
  metadata?: Partial<Metadata>;
}

/** The body of GET /api/health. */
export interface Health {
  ok: boolean;
  version: string;
}

/** Human names of the workflow states, for badges and screen readers. */
export const statusLabels: Record<BriefStatus, string> = {
  draft: 'Draft',
  in_review: 'In review',
  changes_requested: 'Changes requested',
  approved: 'Approved',
};
