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
  metadata: Record<string, unknown>;
  sections: Section[];
  lastReviewedVersion?: number;
}

/** The body of POST /api/briefs. */
export interface NewBrief {
  type: string;
  title: string;
  metadata?: Record<string, unknown>;
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
