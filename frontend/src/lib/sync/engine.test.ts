// The client state machine against messages recorded from a real server
// (testdata/recorded.json: two tabs typing at once, an acknowledgement, a
// remote update while an edit is in flight, a resync with keep).

import { describe, expect, test } from 'vitest';
import recorded from './testdata/recorded.json';
import { SyncEngine, type EngineHooks } from './engine';
import type { ClientMsg, ServerMsg } from './protocol';

type Rec = [string, 'in' | 'out', Record<string, unknown>];
const log = recorded as unknown as Rec[];
const incoming = (who: string): ServerMsg[] => log.filter(([w, d]) => w === who && d === 'in').map(([, , m]) => m as unknown as ServerMsg);
const sentBy = (who: string, type: string): Record<string, unknown>[] => log.filter(([w, d, m]) => w === who && d === 'out' && m.type === type).map(([, , m]) => m);

function engine(extra: Partial<EngineHooks> = {}): { e: SyncEngine; sent: ClientMsg[]; remote: [string, string][] } {
  const sent: ClientMsg[] = [];
  const remote: [string, string][] = [];
  const e = new SyncEngine({
    send: (m) => {
      sent.push(m);
      return true;
    },
    remote: (k, t) => remote.push([k, t]),
    ...extra,
  });
  return { e, sent, remote };
}

const K = 'introduction';

describe('sync engine against a recorded session', () => {
  test('welcome sets text, base, shadow, m and acked', () => {
    const { e } = engine();
    const welcome = incoming('A')[0];
    expect(welcome?.type).toBe('welcome');
    e.hello('tok', 'b', 'tab-a');
    e.receive(welcome as ServerMsg);
    const s = e.sections.get(K);
    expect(s).toMatchObject({ text: 'Hello 😀 world', base: 'Hello 😀 world', shadow: 'Hello 😀 world', m: 1, acked: 0, inflight: false });
    expect(e.order).toEqual(['introduction', 'scoping-the-debate', 'key-issues-and-controversies', 'stakeholder-priorities', 'references']);
    expect(e.ready).toBe(true);
    expect(e.you?.role).toBe('author');
  });

  test('tab A: an edit, its acknowledgement, then B\'s change arriving after it', () => {
    const { e, sent, remote } = engine();
    e.hello('tok', 'b', 'tab-a');
    const inA = incoming('A');
    e.receive(inA[0] as ServerMsg);
    e.setText(K, 'Hello 😀 world!');
    // The edit is exactly what the recorded client sent (lengths in code points).
    const edit = sent.find((m) => m.type === 'edit');
    expect(edit).toEqual(sentBy('A', 'edit')[0]);
    expect(e.sections.get(K)?.inflight).toBe(true);
    for (const m of inA.slice(1)) if (m.type === 'update') e.receive(m);
    const s = e.sections.get(K);
    expect(s).toMatchObject({ text: 'Oh, Hello 😀 world!', base: 'Oh, Hello 😀 world!', m: 3, acked: 1, inflight: false, pending: 0 });
    expect(remote.at(-1)).toEqual([K, 'Oh, Hello 😀 world!']);
    expect(e.waiting()).toBe(0);
  });

  test('tab B: a remote update while its edit is in flight is ignored, the ack brings it', () => {
    const { e, sent } = engine();
    e.hello('tok', 'b', 'tab-b');
    const inB = incoming('B');
    e.receive(inB[0] as ServerMsg);
    e.setText(K, 'Oh, Hello 😀 world');
    expect(sent.at(-1)).toEqual(sentBy('B', 'edit')[0]);
    const updates = inB.filter((m) => m.type === 'update');
    expect(updates.length).toBe(2);
    // n = 0 < sent = 1: predates our edit.
    e.receive(updates[0] as ServerMsg);
    expect(e.sections.get(K)).toMatchObject({ base: 'Hello 😀 world', m: 1, inflight: true });
    e.receive(updates[1] as ServerMsg);
    expect(e.sections.get(K)).toMatchObject({ text: 'Oh, Hello 😀 world!', base: 'Oh, Hello 😀 world!', m: 3, acked: 1, inflight: false });
  });

  test('typing during the round trip is carried onto the acknowledged text and sent next', () => {
    const { e, sent } = engine();
    e.hello('tok', 'b', 'tab-a');
    const inA = incoming('A');
    e.receive(inA[0] as ServerMsg);
    e.setText(K, 'Hello 😀 world!');
    e.setText(K, 'Hello 😀 world! More'); // in flight: not sent yet
    expect(sent.filter((m) => m.type === 'edit').length).toBe(1);
    const ups = inA.filter((m) => m.type === 'update');
    e.receive(ups[0] as ServerMsg); // ack
    // The second edit went out at once, numbered 2 on version 2.
    const edits = sent.filter((m) => m.type === 'edit');
    expect(edits[1]).toEqual({ type: 'edit', section: K, n: 2, base: 2, delta: '=14\t+ More' });
    e.receive(ups[1] as ServerMsg); // B's "Oh, " arrives: n=1 < sent=2, ignored
    expect(e.sections.get(K)?.text).toBe('Hello 😀 world! More');
  });

  test('an editor holding newer typing is read before an update is applied', () => {
    let editor = 'Hello 😀 world';
    const { e } = engine({ pull: () => editor });
    e.hello('tok', 'b', 'tab-a');
    const inA = incoming('A');
    e.receive(inA[0] as ServerMsg);
    editor = 'Hello 😀 wide world'; // typed, not yet flushed
    // B's update arrives as if we had nothing in flight (n = acked = 0 here).
    e.receive({ type: 'update', section: K, n: 0, base: 1, version: 2, delta: '+Oh, \t=13' });
    expect(e.sections.get(K)).toMatchObject({ text: 'Oh, Hello 😀 wide world', base: 'Oh, Hello 😀 world', m: 2 });
  });

  test('resync with keep: the refused text is kept on the server, then the client starts over', () => {
    const { e, sent } = engine();
    e.hello('tok', 'b', 'tab-a');
    const inA = incoming('A');
    for (const m of inA.filter((m) => m.type !== 'resync')) e.receive(m);
    e.setText(K, 'Oh, Hello 😀 world! And mine');
    const resync = inA.find((m) => m.type === 'resync');
    expect(resync).toBeDefined();
    e.receive(resync as ServerMsg);
    expect(sent.at(-1)).toEqual({ type: 'keep', section: K, text: 'Oh, Hello 😀 world! And mine' });
    expect(e.sections.get(K)).toMatchObject({ text: 'Oh, Hello 😀 world!', base: 'Oh, Hello 😀 world!', m: 3, acked: 1, inflight: false });
  });

  test('a refused edit (error with section and n) goes back to base', () => {
    const { e } = engine();
    e.hello('tok', 'b', 'tab-a');
    e.receive(incoming('A')[0] as ServerMsg);
    e.setText(K, 'Hello 😀 world?');
    e.receive({ type: 'error', code: 'forbidden', message: 'supervisors suggest', section: K, n: 1 });
    expect(e.sections.get(K)).toMatchObject({ text: 'Hello 😀 world', inflight: false, acked: 0 });
  });

  test('an update whose delta does not fit is a violation, not a corrupted text', () => {
    const errors: Error[] = [];
    const { e } = engine({ violation: (err) => errors.push(err) });
    e.hello('tok', 'b', 'tab-a');
    e.receive(incoming('A')[0] as ServerMsg);
    e.receive({ type: 'update', section: K, n: 0, base: 1, version: 2, delta: '=99' });
    expect(errors.length).toBe(1);
    expect(e.sections.get(K)?.text).toBe('Hello 😀 world');
  });

  test('reconnect: hello carries unacknowledged text, typing after hello is carried onto the welcome', () => {
    const { e, sent } = engine();
    e.hello('tok', 'b', 'tab-a');
    const welcome = incoming('A')[0] as ServerMsg;
    e.receive(welcome);
    e.setText(K, 'Hello 😀 world!'); // in flight when the link drops
    e.disconnected();
    expect(e.sections.get(K)).toMatchObject({ shadow: 'Hello 😀 world', inflight: false, wasInFlight: true });
    e.setText(K, 'Hello 😀 world! Offline'); // not sent: not ready
    expect(sent.filter((m) => m.type === 'edit').length).toBe(1);
    const hello = e.hello('tok', 'b', 'tab-a');
    expect(hello.sections).toEqual([{ key: K, baseVersion: 1, delta: '=13\t+! Offline', acked: 0 }]);
    e.setText(K, 'Hello 😀 world! Offline, still'); // typed between hello and welcome
    // The server merged hello's change onto someone else's "Oh, ".
    e.receive({
      type: 'welcome',
      brief: { id: 'b', title: 'Rec', status: 'draft' },
      client: 'tab-a',
      you: { id: 'x', user: { id: 1, name: 'A' }, role: 'author' },
      sections: [{ key: K, title: 'Introduction', text: 'Oh, Hello 😀 world! Offline', version: 4, acked: 1, merged: true }],
    });
    const s = e.sections.get(K);
    expect(s).toMatchObject({ base: 'Oh, Hello 😀 world! Offline', m: 4, acked: 1 });
    expect(s?.text).toBe('Oh, Hello 😀 world! Offline, still');
    // …and the rest goes out as edit 2.
    expect(sent.at(-1)).toEqual({ type: 'edit', section: K, n: 2, base: 4, delta: '=26\t+, still' });
  });

  test('outline: new sections start empty, removed ones with unsent text are kept', () => {
    const { e, sent } = engine();
    e.hello('tok', 'b', 'tab-a');
    e.receive(incoming('A')[0] as ServerMsg);
    e.disconnected();
    e.setText('references', 'Smith 2019');
    e.receive({ type: 'outline', sections: [{ key: K, title: 'Intro', version: 1 }, { key: 'annex', title: 'Annex', version: 0, text: '' }] });
    expect(e.order).toEqual([K, 'annex']);
    expect(e.sections.get(K)?.title).toBe('Intro');
    expect(e.sections.has('references')).toBe(false);
    expect(sent.at(-1)).toEqual({ type: 'keep', section: 'references', text: 'Smith 2019' });
  });

  test('supervisors send no edits', () => {
    const { e, sent } = engine();
    e.hello('tok', 'b', 'tab-s');
    const w = structuredClone(incoming('A')[0]) as ServerMsg & { you: { role: string } };
    w.you.role = 'supervisor';
    e.receive(w);
    e.setText(K, 'nope');
    expect(sent.filter((m) => m.type === 'edit')).toEqual([]);
  });
});
