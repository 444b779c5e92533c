// A small client of the Brief Studio live-sync protocol, written from
// docs/PROTOCOL.md alone (not from the Go implementation): it is the proof
// that the document is enough to write a client.
//
// Exports the delta helpers (code-point based, see "Units and versions")
// and SyncClient, which keeps the per-section state of "Client state per
// section" and follows the message rules of the document.

import { EventEmitter } from 'node:events';
import WebSocket from 'ws';
import { diff_match_patch, DIFF_DELETE, DIFF_INSERT, DIFF_EQUAL } from '@dmsnell/diff-match-patch';

const dmp = new diff_match_patch();

// ---------------------------------------------------------------- deltas

/** Length in Unicode code points ("a😀b" has length 3). */
export function cpLength(s) {
  let n = 0;
  for (const _ of s) n++;
  return n;
}

const isHigh = (c) => c >= 0xd800 && c <= 0xdbff;
const isLow = (c) => c >= 0xdc00 && c <= 0xdfff;

/** encodeURI, then %20 written back as a space (PROTOCOL.md, "delta"). */
export function encodeInsert(text) {
  return encodeURI(text).replace(/%20/g, ' ');
}

/**
 * The inverse of encodeInsert. decodeURIComponent rather than decodeURI, so
 * that an escape encodeURI would not have produced (%23 for "#", %2B for
 * "+", …) still decodes; a literal "%" is always sent as %25.
 */
export function decodeInsert(text) {
  return decodeURIComponent(text);
}

/**
 * Rewrites a UTF-16 diff of diff-match-patch into change blocks whose
 * boundaries never fall inside a surrogate pair. Returns a list of
 * {eq} and {del, ins} blocks, alternating.
 */
export function codePointBlocks(diffs) {
  const blocks = [];
  for (const [op, s] of diffs) {
    if (!s) continue;
    const last = blocks[blocks.length - 1];
    if (op === DIFF_EQUAL) {
      if (last && last.eq !== undefined) last.eq += s;
      else blocks.push({ eq: s });
    } else {
      let b = last;
      if (!b || b.eq !== undefined) {
        b = { del: '', ins: '' };
        blocks.push(b);
      }
      if (op === DIFF_DELETE) b.del += s;
      else if (op === DIFF_INSERT) b.ins += s;
    }
  }
  // Move a low surrogate that starts an equality, and a high surrogate that
  // ends one, into the neighbouring change block (on both of its sides: the
  // unit is common to both texts, so the block stays a valid replacement).
  for (let i = 0; i < blocks.length; i++) {
    const b = blocks[i];
    if (b.eq === undefined) continue;
    if (i > 0 && b.eq.length > 0 && isLow(b.eq.charCodeAt(0))) {
      const p = blocks[i - 1];
      p.del += b.eq[0];
      p.ins += b.eq[0];
      b.eq = b.eq.slice(1);
    }
    if (i + 1 < blocks.length && b.eq.length > 0 && isHigh(b.eq.charCodeAt(b.eq.length - 1))) {
      const nx = blocks[i + 1];
      const u = b.eq[b.eq.length - 1];
      nx.del = u + nx.del;
      nx.ins = u + nx.ins;
      b.eq = b.eq.slice(0, -1);
    }
    if (b.eq.length === 0) {
      // Join the change blocks on both sides of the emptied equality.
      const p = blocks[i - 1];
      const nx = blocks[i + 1];
      if (p && nx) {
        p.del += nx.del;
        p.ins += nx.ins;
        blocks.splice(i, 2);
      } else {
        blocks.splice(i, 1);
      }
      i -= 1;
    }
  }
  return blocks;
}

/**
 * The delta from `from` to `to` with code-point lengths: the diff is
 * diff-match-patch's (UTF-16 based), the lengths are recounted per code
 * point and no token splits a surrogate pair.
 */
export function makeDelta(from, to) {
  if (from === to) return from === '' ? '' : '=' + cpLength(from);
  const diffs = dmp.diff_main(from, to, false);
  const tokens = [];
  for (const b of codePointBlocks(diffs)) {
    if (b.eq !== undefined) {
      tokens.push('=' + cpLength(b.eq));
      continue;
    }
    if (b.del) tokens.push('-' + cpLength(b.del));
    if (b.ins) tokens.push('+' + encodeInsert(b.ins));
  }
  return tokens.join('\t');
}

export class DeltaError extends Error {}

/**
 * Applies a code-point delta to `src`. Throws DeltaError when the delta is
 * malformed or does not cover `src` exactly.
 */
export function applyDelta(src, delta) {
  const cps = Array.from(src);
  let pos = 0;
  let out = '';
  if (delta === '') {
    if (cps.length !== 0) throw new DeltaError(`empty delta over a text of ${cps.length} code points`);
    return '';
  }
  for (const tok of delta.split('\t')) {
    const op = tok.charAt(0);
    const arg = tok.slice(1);
    if (op === '+') {
      try {
        out += decodeInsert(arg);
      } catch {
        throw new DeltaError(`bad escape in insert token ${JSON.stringify(tok)}`);
      }
    } else if (op === '=' || op === '-') {
      if (!/^\d+$/.test(arg)) throw new DeltaError(`bad number in token ${JSON.stringify(tok)}`);
      const n = Number(arg);
      if (pos + n > cps.length) {
        throw new DeltaError(`delta runs past the end of its source (${pos}+${n} > ${cps.length})`);
      }
      if (op === '=') out += cps.slice(pos, pos + n).join('');
      pos += n;
    } else if (tok !== '') {
      throw new DeltaError(`unknown token ${JSON.stringify(tok)}`);
    }
  }
  if (pos !== cps.length) {
    throw new DeltaError(`delta covers ${pos} code points, its source has ${cps.length}`);
  }
  return out;
}

/**
 * Carries the change oldText → newText onto text, a descendant of oldText
 * (PROTOCOL.md: "patch the change from the old to the new shadow onto
 * text (a fuzzy patch, diff-match-patch's patch_make / patch_apply)").
 *
 * patch_apply can fail to place a hunk (it reports it in its results and
 * leaves the hunk out): for example a hunk at the very start of the text,
 * when the other side inserted more than a few dozen characters there,
 * since the patch's padding no longer matches. The document does not say
 * what to do then; dropping the hunk loses keystrokes, so this falls back
 * to merge3, which places every hunk by position. Returns {text, fuzzyFailed}.
 */
export function carryChange(oldText, newText, text) {
  if (text === oldText) return { text: newText, fuzzyFailed: false };
  if (oldText === newText) return { text, fuzzyFailed: false };
  const patches = dmp.patch_make(oldText, newText);
  const [patched, results] = dmp.patch_apply(patches, text);
  if (results.every(Boolean) && patched.isWellFormed()) return { text: patched, fuzzyFailed: false };
  return { text: merge3(oldText, newText, text), fuzzyFailed: true };
}

/** carryChange without the diagnostics. */
export function carry(oldText, newText, text) {
  return carryChange(oldText, newText, text).text;
}

/**
 * A three-way merge that never drops an insertion: applies the change
 * a → b onto c (a descendant of a, or any text diffed against a). Every
 * unit of c is aligned with a by a diff; the characters b deletes from a
 * are removed from c where c still has them, c's own insertions stay, and
 * b's insertions go in front of the first surviving character of a at or
 * after their position (so after whatever c inserted at the same place).
 * Block boundaries never split a surrogate pair.
 */
export function merge3(a, b, c) {
  // For every UTF-16 unit of a: deleted by b? And b's insertions by anchor.
  const deleted = new Uint8Array(a.length);
  const inserts = new Map(); // anchor index in a -> text
  let ia = 0;
  for (const blk of codePointBlocks(dmp.diff_main(a, b, false))) {
    if (blk.eq !== undefined) {
      ia += blk.eq.length;
      continue;
    }
    if (blk.ins) inserts.set(ia, (inserts.get(ia) || '') + blk.ins);
    deleted.fill(1, ia, ia + blk.del.length);
    ia += blk.del.length;
  }
  const anchors = [...inserts.keys()].sort((x, y) => x - y);
  let next = 0; // index into anchors
  let out = '';
  const emitUpTo = (i) => {
    while (next < anchors.length && anchors[next] <= i) out += inserts.get(anchors[next++]);
  };
  ia = 0;
  for (const blk of codePointBlocks(dmp.diff_main(a, c, false))) {
    if (blk.eq !== undefined) {
      // Units common to a and c.
      for (let k = 0; k < blk.eq.length; k++, ia++) {
        emitUpTo(ia);
        if (!deleted[ia]) out += blk.eq[k];
      }
      continue;
    }
    // c removed blk.del from a (nothing to keep of it), and inserted blk.ins.
    ia += blk.del.length;
    out += blk.ins;
  }
  emitUpTo(Infinity);
  return out;
}

/** Replaces `del` code points at code-point offset `pos` with `ins`. */
export function spliceCodePoints(text, pos, del, ins) {
  const cps = Array.from(text);
  const p = Math.max(0, Math.min(pos, cps.length));
  const d = Math.max(0, Math.min(del, cps.length - p));
  return cps.slice(0, p).join('') + ins + cps.slice(p + d).join('');
}

// ---------------------------------------------------------------- client

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

// Close codes after which reconnecting is pointless (PROTOCOL.md, "Close codes").
const FATAL_CLOSE = new Set([1000, 4000, 4001, 4003, 4004]);

/**
 * SyncClient keeps one websocket to one brief.
 *
 * Events: 'welcome' (msg), 'update' (key, msg), 'change' (key) when a
 * section's text changed from the server's side, 'resync' (key, msg),
 * 'conflicts' (key, list), 'outline' (msg), 'brief' (brief), 'peers' (list),
 * 'servererror' (msg), 'violation' (Error) for a protocol violation by the
 * server, 'close' (code, reason), 'activity' on every message in or out.
 */
export class SyncClient extends EventEmitter {
  constructor({ url, token, brief, client, reconnect = true, log = () => {}, deadAfterMs = 15000, trace = false }) {
    super();
    this.trace = trace; // log every frame in and out
    this.url = url;
    this.token = token;
    this.briefId = brief;
    this.clientId = client || '';
    this.reconnect = reconnect;
    this.log = log;
    this.deadAfterMs = deadAfterMs;

    /** @type {Map<string, {key, title, text, base, shadow, m, acked, inFlight}>} */
    this.sections = new Map();
    this.order = [];
    this.brief = null;
    this.you = null;
    this.peers = [];
    this.conflicts = [];
    this.heartbeat = 5000;

    this.ws = null;
    this.ready = false; // welcome received on the current connection
    this.closed = false; // close() was called
    this.helloTexts = null; // key -> text at the time hello was sent
    this.backoff = 500;
    this.pingTimer = null;
    this.unansweredPingSince = 0;
    this.connects = 0;
    this.pingsSent = new Set();
    // Counters, for tests: edits sent, updates applied (acks and others'),
    // updates ignored (n < sent), updates carried onto a text that had
    // changed locally (fuzzy patch), fuzzy patches that left a hunk out
    // (see carryChange), welcomes.
    this.stats = { edits: 0, acks: 0, others: 0, ignored: 0, carried: 0, fuzzyFailed: 0, welcomes: 0 };
    this.pongs = 0;
    this._welcomeWaiters = [];
  }

  /** Connects and resolves with the first welcome. */
  connect() {
    this._open();
    return new Promise((resolve, reject) => {
      this._welcomeWaiters.push({ resolve, reject });
    });
  }

  /** The section's text as the user sees it. */
  text(key) {
    const s = this.sections.get(key);
    return s ? s.text : undefined;
  }

  version(key) {
    const s = this.sections.get(key);
    return s ? s.m : undefined;
  }

  /** Nothing in flight and every text equals its base, on a live connection. */
  idle(key) {
    if (!this.ready) return false;
    const list = key === undefined ? [...this.sections.values()] : [this.sections.get(key)];
    return list.every((s) => s && !s.inFlight && s.text === s.base);
  }

  /** The user replaces the section's text (typing). */
  setText(key, text) {
    const s = this.sections.get(key);
    if (!s) throw new Error(`no section ${key}`);
    s.text = text;
    this.emit('activity');
    this._flush(key);
  }

  /** Replaces del code points at code-point offset pos with ins. */
  edit(key, pos, del, ins) {
    const s = this.sections.get(key);
    if (!s) throw new Error(`no section ${key}`);
    this.setText(key, spliceCodePoints(s.text, pos, del, ins));
  }

  presence(section, cursor) {
    const msg = { type: 'presence', section };
    if (cursor) msg.cursor = cursor;
    this._send(msg);
  }

  /** Sends an application ping now (the heartbeat also sends one every `heartbeat` ms). */
  ping() {
    const t = Date.now();
    if (this._send({ type: 'ping', t })) {
      this.pingsSent.add(t);
      if (!this.unansweredPingSince) this.unansweredPingSince = t;
    }
  }

  close() {
    this.closed = true;
    this._stopHeartbeat();
    if (this.ws) {
      try {
        this.ws.close(1000);
      } catch {}
    }
  }

  // ------------------------------------------------------------ internals

  _open() {
    if (this.closed) return;
    this.connects++;
    const ws = new WebSocket(this.url);
    this.ws = ws;
    this.ready = false;
    ws.on('open', () => {
      if (ws === this.ws) this._sendHello(ws);
    });
    ws.on('message', (data, isBinary) => {
      if (ws !== this.ws) return;
      if (isBinary) {
        this._violation(new Error('binary frame from the server'));
        return;
      }
      let msg;
      if (this.trace) this.log(`← ${data.toString('utf8')}`);
      try {
        msg = JSON.parse(data.toString('utf8'));
      } catch (e) {
        this._violation(new Error(`malformed JSON from the server: ${e.message}`));
        return;
      }
      this.emit('activity');
      try {
        this._handle(msg);
      } catch (e) {
        this._violation(e);
      }
    });
    ws.on('error', (err) => this.log(`websocket error: ${err.message}`));
    ws.on('close', (code, reasonBuf) => {
      if (ws !== this.ws) return;
      const reason = reasonBuf ? reasonBuf.toString() : '';
      this._stopHeartbeat();
      this.ready = false;
      this.emit('close', code, reason);
      // Reconnect step 1: set shadow back to base; remember only that an
      // edit was in flight, for step 2.
      for (const s of this.sections.values()) {
        if (s.inFlight) s.wasInFlight = true;
        s.shadow = s.base;
        s.inFlight = false;
      }
      if (this.closed || !this.reconnect || FATAL_CLOSE.has(code)) {
        for (const w of this._welcomeWaiters.splice(0)) w.reject(new Error(`closed ${code} ${reason}`));
        return;
      }
      const wait = this.backoff;
      this.backoff = Math.min(this.backoff * 2, 10000);
      this.log(`closed ${code} ${reason}; reconnecting in ${wait} ms`);
      setTimeout(() => this._open(), wait);
    });
  }

  _sendHello(ws) {
    const hello = { type: 'hello', token: this.token, brief: this.briefId };
    if (this.clientId) hello.client = this.clientId;
    const pending = [];
    this.helloTexts = new Map();
    for (const s of this.sections.values()) {
      this.helloTexts.set(s.key, s.text);
      // Reconnect step 2: every section whose text differs from its base,
      // or where an edit was in flight when the link dropped.
      if (s.text !== s.base || s.wasInFlight) {
        pending.push({ key: s.key, baseVersion: s.m, delta: makeDelta(s.base, s.text), acked: s.acked });
      }
    }
    if (pending.length) {
      hello.sections = pending;
      this.log(`hello with pending sections ${JSON.stringify(pending)}`);
    }
    this._sendOn(ws, hello);
    this.emit('hello', hello);
  }

  _send(msg) {
    if (!this.ws) return false;
    return this._sendOn(this.ws, msg);
  }

  _sendOn(ws, msg) {
    if (ws.readyState !== WebSocket.OPEN) return false;
    const data = JSON.stringify(msg);
    if (this.trace) this.log(`→ ${msg.type === 'hello' ? data.replace(/"token":"[^"]*"/, '"token":"…"') : data}`);
    ws.send(data);
    this.emit('activity');
    return true;
  }

  _violation(err) {
    this.log(`protocol violation: ${err.message}`);
    this.emit('violation', err);
    // "it must apply; if it does not, reconnect"
    if (this.ws) this.ws.terminate();
  }

  _newSection(key, title, text, version, acked) {
    const s = { key, title, text, base: text, shadow: text, m: version, acked, inFlight: false, wasInFlight: false };
    this.sections.set(key, s);
    return s;
  }

  _handle(msg) {
    switch (msg.type) {
      case 'welcome':
        return this._onWelcome(msg);
      case 'update':
        return this._onUpdate(msg);
      case 'resync':
        return this._onResync(msg);
      case 'conflicts':
        this.conflicts.push(...(msg.conflicts || []));
        this.emit('conflicts', msg.section, msg.conflicts || []);
        return;
      case 'outline':
        return this._onOutline(msg);
      case 'brief':
        this.brief = msg.brief;
        this.emit('brief', msg.brief);
        return;
      case 'peers':
        this.peers = msg.peers || [];
        this.emit('peers', this.peers);
        return;
      case 'pong':
        if (!this.pingsSent.has(msg.t)) {
          throw new Error(`pong with a t we never sent: ${JSON.stringify(msg.t)}`);
        }
        this.pingsSent.delete(msg.t);
        this.pongs++;
        this.unansweredPingSince = 0;
        return;
      case 'error':
        return this._onError(msg);
      default:
        this.log(`ignoring message of unknown type ${JSON.stringify(msg.type)}`);
    }
  }

  _onWelcome(msg) {
    this.stats.welcomes++;
    this.ready = true;
    this.backoff = 500;
    this.brief = msg.brief;
    this.you = msg.you;
    this.peers = msg.peers || [];
    if (msg.client) this.clientId = msg.client; // made up by the server if hello had none
    if (msg.heartbeat) this.heartbeat = msg.heartbeat;
    const helloTexts = this.helloTexts || new Map();
    const listed = new Set();
    const order = [];
    for (const e of msg.sections || []) {
      const old = this.sections.get(e.key);
      if (e.error) {
        this.log(`welcome: section ${e.key}: ${e.error.code}: ${e.error.message}`);
        this.emit('servererror', { type: 'error', section: e.key, ...e.error });
        if (old && (e.error.code === 'not_found' || e.error.code === 'invalid') && old.text !== old.base) {
          this._send({ type: 'keep', section: e.key, text: old.text });
        }
      }
      if (typeof e.text !== 'string') continue; // a removed section: nothing to show
      listed.add(e.key);
      order.push(e.key);
      if (Array.isArray(e.conflicts) && e.conflicts.length) {
        this.conflicts.push(...e.conflicts);
        this.emit('conflicts', e.key, e.conflicts);
      }
      const s = this._newSection(e.key, e.title, e.text, e.version, e.acked || 0);
      // Keystrokes typed after hello was sent: patch them onto the new text.
      if (old && helloTexts.has(e.key) && old.text !== helloTexts.get(e.key)) {
        const r = carryChange(helloTexts.get(e.key), old.text, e.text);
        if (r.fuzzyFailed) this._fuzzyFailed('welcome', e.key);
        s.text = r.text;
      }
    }
    for (const key of [...this.sections.keys()]) if (!listed.has(key)) this.sections.delete(key);
    this.order = order;
    this.helloTexts = null;
    this._startHeartbeat();
    this.emit('welcome', msg);
    for (const w of this._welcomeWaiters.splice(0)) w.resolve(msg);
    for (const key of this.order) this._flush(key);
  }

  _onUpdate(msg) {
    const s = this.sections.get(msg.section);
    if (!s) {
      this.log(`update for unknown section ${msg.section}`);
      return;
    }
    const sent = s.inFlight ? s.acked + 1 : s.acked;
    if (msg.n < sent) {
      this.stats.ignored++;
      return; // predates our edit in flight: its ack brings the same change
    }
    let next;
    try {
      next = applyDelta(s.shadow, msg.delta);
    } catch (e) {
      throw new DeltaError(
        `update n=${msg.n} version=${msg.version} on section ${msg.section}: ${e.message} ` +
          `(delta ${JSON.stringify(msg.delta)}, shadow ${JSON.stringify(s.shadow)})`,
      );
    }
    const oldShadow = s.shadow;
    const before = s.text;
    if (msg.ack) this.stats.acks++;
    else this.stats.others++;
    if (s.text !== oldShadow && next !== oldShadow) this.stats.carried++;
    const r = carryChange(oldShadow, next, s.text);
    if (r.fuzzyFailed) this._fuzzyFailed(`update n=${msg.n} version=${msg.version}`, s.key);
    s.text = r.text;
    s.base = s.shadow = next;
    s.m = msg.version;
    s.acked = msg.n;
    s.inFlight = false;
    this.emit('update', s.key, msg);
    if (s.text !== before) this.emit('change', s.key);
    this._flush(s.key);
  }

  _fuzzyFailed(where, key) {
    this.stats.fuzzyFailed++;
    this.log(`${where}: section ${key}: patch_apply left a hunk out; merged by position instead`);
  }

  _onResync(msg) {
    const s = this.sections.get(msg.section);
    this.emit('resync', msg.section, msg);
    if (!s) return;
    if (msg.keep && s.text !== msg.text) this._send({ type: 'keep', section: s.key, text: s.text });
    s.text = s.base = s.shadow = msg.text;
    s.m = msg.version;
    s.acked = msg.n;
    s.inFlight = false;
    this.emit('change', s.key);
  }

  _onOutline(msg) {
    const listed = new Set();
    const order = [];
    for (const e of msg.sections || []) {
      listed.add(e.key);
      order.push(e.key);
      const s = this.sections.get(e.key);
      if (s) {
        s.title = e.title;
      } else {
        this._newSection(e.key, e.title, e.text || '', e.version || 0, 0);
      }
    }
    for (const key of [...this.sections.keys()]) if (!listed.has(key)) this.sections.delete(key);
    this.order = order;
    this.emit('outline', msg);
  }

  _onError(msg) {
    this.emit('servererror', msg);
    this.log(`server error ${msg.code}: ${msg.message}${msg.section ? ` (section ${msg.section}, n ${msg.n})` : ''}`);
    if (msg.section && msg.n !== undefined) {
      const s = this.sections.get(msg.section);
      if (s) {
        // "drop it (take text and shadow back to base)"
        s.text = s.shadow = s.base;
        s.inFlight = false;
        this.emit('change', s.key);
      }
    }
  }

  /** Sends an edit when text ≠ shadow and nothing of that section is in flight. */
  _flush(key) {
    if (!this.ready) return;
    const s = this.sections.get(key);
    if (!s || s.inFlight || s.text === s.shadow) return;
    if (this.you && this.you.role !== 'author') return; // only authors may edit
    const msg = { type: 'edit', section: key, n: s.acked + 1, base: s.m, delta: makeDelta(s.shadow, s.text) };
    if (!this._send(msg)) return;
    s.shadow = s.text;
    s.inFlight = true;
    this.stats.edits++;
  }

  _startHeartbeat() {
    this._stopHeartbeat();
    this.unansweredPingSince = 0;
    this.pingTimer = setInterval(() => {
      const now = Date.now();
      if (this.unansweredPingSince && now - this.unansweredPingSince > this.deadAfterMs) {
        this.log('no pong within 15 s: the link is dead');
        if (this.ws) this.ws.terminate();
        return;
      }
      this.ping();
    }, this.heartbeat);
    this.pingTimer.unref?.();
  }

  _stopHeartbeat() {
    if (this.pingTimer) clearInterval(this.pingTimer);
    this.pingTimer = null;
  }
}

export { sleep };
