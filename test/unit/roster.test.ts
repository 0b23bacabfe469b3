// Who is in a CSV (src/core/recipients/roster.ts): one message per person, rows that would draft poorly,
// and whether a drafts file belongs to this list and profile.
import { describe, expect, it } from 'vitest';
import { recipientKeyFor } from '../../src/core/recipients/recipient-key.js';
import { buildColumns } from '../../src/core/recipients/recipients.js';
import { RosterBuilder, sourceMismatch, type SourceIdentity } from '../../src/core/recipients/roster.js';

function roster(headers: string[], rows: string[][], needsEmail = true): RosterBuilder {
  const { columns } = buildColumns(headers);
  const built = new RosterBuilder(recipientKeyFor(columns), columns, needsEmail);
  rows.forEach((cells, i) => built.add({ row: i + 1, line: i + 2, cells }));
  return built;
}

describe('RosterBuilder: rows, digests and shared keys', () => {
  const headers = ['Full Name', 'Email'];

  it('keeps each row its own cells digest (equal cells alike), past the first 1024 rows', () => {
    const cells = Array.from({ length: 2500 }, (_, i) => [`P${i % 1300}`, `p${i % 1300}@x.io`]);
    const r = roster(headers, cells);
    const hex = (row: number) => Buffer.from(r.digestAt(row)).toString('hex');
    expect(hex(1)).toMatch(/^[0-9a-f]{32}$/);
    expect(hex(1)).not.toBe(hex(2));
    expect(hex(2000)).not.toBe(hex(2001));
    expect(hex(1301)).toBe(hex(1)); // the same cells as row 1 (a repeat)
    expect(r.keyAt(1301)).toEqual({ key: 'email:p0@x.io', first: false });
    expect(r.keyAt(2500)).toEqual({ key: 'email:p1199@x.io', first: false });
    expect(r.keyAt(1300)).toEqual({ key: 'email:p1299@x.io', first: true });
    expect(r.keyAt(2501)).toBeUndefined();
  });

  it("gives back its own instance of an equal key, and the key itself when it is not in the CSV", () => {
    const r = roster(headers, [['Ana', 'ana@x.io']]);
    const ours = r.keyAt(1)!.key;
    const equal = ['email:', 'ana@x.io'].join('');
    expect(r.intern(equal)).toBe(ours);
    expect(r.intern('email:nobody@x.io')).toBe('email:nobody@x.io');
  });

  it('reports rows only when a repeat shifted them from 1, 2, 3...', () => {
    expect(roster(headers, [['A', 'a@x.io'], ['B', 'b@x.io']]).rowsIfShifted()).toBeUndefined();
    expect(roster(headers, [['A', 'a@x.io'], ['A2', 'a@x.io'], ['B', 'b@x.io']]).rowsIfShifted()).toEqual([1, 3]);
  });
});

describe('RosterBuilder', () => {
  const rows = [
    ['Ana Silva', '', 'ana@x.io'],
    ['', 'Bo', 'bo@x.io'],
    ['Ana S.', '', ' ANA@x.io '], // the same person as row 1
    ['', '', 'nameless@x.io'],
    ['Cy', '', 'cy at x.io'],
    ['Di', '', ''],
  ];
  // Built inside each test, not at collection: Stryker activates a mutant only while tests run.
  const built = () => roster(['Full Name', 'First Name', 'Email'], rows);

  it('lists each recipient once, in row order, and names the rows that repeat one', () => {
    expect(built().keys).toEqual(['email:ana@x.io', 'email:bo@x.io', 'email:nameless@x.io', 'email:cy at x.io', expect.stringMatching(/^cells:/)]);
    expect(built().duplicates).toEqual([{ row: 3, firstRow: 1 }]);
  });

  it('names rows with no name (full or first) and, on e-mail, rows with no address', () => {
    expect(built().noName).toEqual([4]);
    expect(built().noEmail).toEqual([5, 6]);
  });

  it('does not count a repeated row as nameless or addressless again', () => {
    const twice = roster(['Full Name', 'Email', 'Company'], [['', '', 'Acme'], ['', '', 'Acme']]);
    expect(twice.duplicates).toEqual([{ row: 2, firstRow: 1 }]);
    expect(twice.noName).toEqual([1]);
    expect(twice.noEmail).toEqual([1]);
  });

  it('asks for no address off the e-mail channel, and trims names', () => {
    const sms = roster(['Name', 'Phone'], [['  ', '555'], ['Bo', '556']], false);
    expect(sms.noEmail).toEqual([]);
    expect(sms.noName).toEqual([1]);
  });

  it('reads a short row’s missing cells as blank', () => {
    const short = roster(['Email', 'Full Name'], [['a@x.io']]);
    expect(short.noName).toEqual([1]);
    expect(short.noEmail).toEqual([]);
  });

  it('a CSV without name or e-mail columns: every row lacks both', () => {
    const bare = roster(['Phone'], [['555']]);
    expect(bare.noName).toEqual([1]);
    expect(bare.noEmail).toEqual([1]);
  });

  it('keyAt: the key of a row and whether it is its recipient’s first row', () => {
    expect(built().keyAt(1)).toEqual({ key: 'email:ana@x.io', first: true });
    expect(built().keyAt(3)).toEqual({ key: 'email:ana@x.io', first: false });
    expect(built().keyAt(2)).toEqual({ key: 'email:bo@x.io', first: true });
    expect(built().keyAt(7)).toBeUndefined();
  });

  it('has: whether a recipient is in the CSV', () => {
    expect(built().has('email:bo@x.io')).toBe(true);
    expect(built().has('email:zed@x.io')).toBe(false);
  });
});

describe('sourceMismatch', () => {
  const file: SourceIdentity = { csv: 'leads.csv', header: ['Name', 'Email'], profile: 'p.yaml' };
  const stdin: SourceIdentity = { csv: null, header: ['Name', 'Email'], profile: 'p.yaml' };
  it.each<[string, SourceIdentity, SourceIdentity, string | undefined]>([
    ['the same file and profile', file, file, undefined],
    ['the same file with other columns (its content changed)', file, { ...file, header: ['Name'] }, undefined],
    ['another file', file, { ...file, csv: 'other.csv' }, 'it was made from leads.csv'],
    ['stdin, then a file', stdin, file, 'it was made from stdin, not leads.csv'],
    ['a file, then stdin', file, stdin, 'it was made from leads.csv, not stdin'],
    ['stdin with the same columns', stdin, { ...stdin }, undefined],
    ['stdin with other columns', stdin, { ...stdin, header: ['Name', 'Mail'] }, 'it was made from a CSV piped in with other columns'],
    ['stdin with the columns split differently', { ...stdin, header: ['a', 'b'] }, { ...stdin, header: ['ab'] }, 'it was made from a CSV piped in with other columns'],
    ['another profile', file, { ...file, profile: 'q.yaml' }, 'it was made with the profile p.yaml'],
  ])('%s', (_label, recorded, now, expected) => {
    expect(sourceMismatch(recorded, now)).toBe(expected);
  });
});
