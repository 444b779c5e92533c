// Messages of the live-sync protocol (docs/PROTOCOL.md).

/** A connected person, as welcome and peers list them. */
export interface Peer {
  id: string;
  user: { id: number; name: string };
  role: string;
  section?: string;
  cursor?: { anchor: number; head: number } | null;
}

/** An unresolved merge kept on the server. */
export interface Conflict {
  id: number;
  section: string;
  baseVersion: number;
  base: string;
  text: string;
  start: number;
  end: number;
  author?: { id: number; name: string };
  createdAt?: string;
}

/** The brief's head as welcome and brief messages carry it. */
export interface BriefHead {
  id: string;
  title: string;
  status: string;
}

export interface WelcomeSection {
  key: string;
  title: string;
  text?: string;
  version: number;
  acked?: number;
  merged?: boolean;
  conflicts?: Conflict[];
  error?: { code: string; message: string };
}

export interface WelcomeMsg {
  type: 'welcome';
  brief: BriefHead;
  client: string;
  heartbeat?: number;
  you: Peer;
  sections: WelcomeSection[];
  peers?: Peer[];
}

export interface UpdateMsg {
  type: 'update';
  section: string;
  n: number;
  base: number;
  version: number;
  delta: string;
  ack?: boolean;
}

export interface ResyncMsg {
  type: 'resync';
  section: string;
  n: number;
  version: number;
  text: string;
  reason?: string;
  keep?: boolean;
}

export interface OutlineMsg {
  type: 'outline';
  sections: { key: string; title: string; version: number; text?: string }[];
}

export interface ErrorMsg {
  type: 'error';
  code: string;
  message: string;
  section?: string;
  n?: number;
  ref?: unknown;
}

/** Every message the server sends that this client reads. */
export type ServerMsg =
  | WelcomeMsg
  | UpdateMsg
  | ResyncMsg
  | OutlineMsg
  | ErrorMsg
  | { type: 'brief'; brief: BriefHead }
  | { type: 'peers'; peers: Peer[] }
  | { type: 'pong'; t: number }
  | { type: 'conflicts'; section: string; conflicts: Conflict[] }
  | { type: 'result' | 'comment' | 'suggestion' | 'decision'; [k: string]: unknown };

export interface HelloSection {
  key: string;
  baseVersion: number;
  delta: string;
  acked: number;
}

export interface HelloMsg {
  type: 'hello';
  token: string;
  brief: string;
  client: string;
  sections?: HelloSection[];
}

/** Every message this client sends. */
export type ClientMsg =
  | HelloMsg
  | { type: 'edit'; section: string; n: number; base: number; delta: string }
  | { type: 'presence'; section: string; cursor?: { anchor: number; head: number } }
  | { type: 'keep'; section: string; text: string }
  | { type: 'ping'; t: number };

/** Close codes after which reconnecting is pointless (PROTOCOL.md, "Close codes"). */
export const FATAL_CLOSE: ReadonlySet<number> = new Set([1000, 4000, 4001, 4003, 4004, 4010]);
