import 'fake-indexeddb/auto';
import { describe, expect, test } from 'vitest';
import { OfflineStore, type SavedBrief } from './queue';

const head = (user: number, brief: string, order: string[]): SavedBrief => ({
  id: `${user}:${brief}`,
  user,
  brief,
  clientId: 'tab-1',
  title: 'T',
  status: 'draft',
  type: 'discussion-brief',
  role: 'author',
  order,
  savedAt: 1,
});

describe('offline queue (IndexedDB)', () => {
  test('sections survive closing and opening the database, in outline order', async () => {
    const db = await OfflineStore.open('q1');
    await db.saveBrief(head(1, 'b1', ['b', 'a']));
    await db.saveSections(1, 'b1', [
      { key: 'a', title: 'A', text: 'typed 😀 offline', base: 'typed', m: 3, acked: 2, pending: 4 },
      { key: 'b', title: 'B', text: 'same', base: 'same', m: 1, acked: 0, pending: 0 },
    ]);
    db.close();
    const again = await OfflineStore.open('q1');
    const got = await again.load(1, 'b1');
    expect(got?.brief.clientId).toBe('tab-1');
    expect(got?.sections.map((s) => s.key)).toEqual(['b', 'a']);
    expect(got?.sections[1]).toEqual({ key: 'a', title: 'A', text: 'typed 😀 offline', base: 'typed', m: 3, acked: 2, pending: 4 });
    again.close();
  });

  test('briefs of other users and other briefs stay apart; unsent counts edits', async () => {
    const db = await OfflineStore.open('q2');
    await db.saveBrief(head(1, 'b1', ['a']));
    await db.saveBrief(head(2, 'b1', ['a']));
    await db.saveSections(1, 'b1', [{ key: 'a', title: 'A', text: 'x!', base: 'x', m: 1, acked: 0, pending: 3 }]);
    await db.saveSections(2, 'b1', [{ key: 'a', title: 'A', text: 'y', base: 'y', m: 1, acked: 0, pending: 0 }]);
    await db.saveSections(1, 'b2', [{ key: 'z', title: 'Z', text: 'z!', base: 'z', m: 1, acked: 0, pending: 0 }]);
    expect((await db.load(2, 'b1'))?.sections[0]?.text).toBe('y');
    expect(await db.load(3, 'b1')).toBeNull();
    const unsent = await db.unsent(1);
    expect([...unsent.entries()].sort()).toEqual([
      ['b1', 3],
      ['b2', 1],
    ]);
    expect((await db.unsent(2)).size).toBe(0);
    db.close();
  });

  test('a section that left the outline is still loaded while it has unsent text', async () => {
    const db = await OfflineStore.open('q3');
    await db.saveBrief(head(1, 'b', ['a']));
    await db.saveSections(1, 'b', [
      { key: 'a', title: 'A', text: 'a', base: 'a', m: 1, acked: 0, pending: 0 },
      { key: 'gone', title: 'Gone', text: 'mine', base: '', m: 0, acked: 0, pending: 1 },
      { key: 'old', title: 'Old', text: 'o', base: 'o', m: 1, acked: 0, pending: 0 },
    ]);
    expect((await db.load(1, 'b'))?.sections.map((s) => s.key)).toEqual(['a', 'gone']);
    await db.removeSection(1, 'b', 'gone');
    expect((await db.load(1, 'b'))?.sections.map((s) => s.key)).toEqual(['a']);
    db.close();
  });
});
