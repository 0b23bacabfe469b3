import { describe, expect, it } from 'vitest';
import {
  buildColumns,
  detectPreamble,
  displayName,
  fieldValue,
  findColumn,
  recipientRecord,
  sniffDelimiter,
  snakeCase,
  storedRow,
  type CanonicalField,
  type Recipient,
} from '../../src/core/recipients/recipients.js';

const rec = (cells: string[], row = 1): Recipient => ({ row, line: row + 1, cells });

describe('snakeCase', () => {
  it.each([
    ['E-mail Address', 'e_mail_address'],
    ['First Name', 'first_name'],
    ['  Job Title  ', 'job_title'],
    ['E-mail 1 - Value', 'e_mail_1_value'],
    ['Prénom', 'prenom'],
    ['Straße', 'straße'],
    ['Имя клиента', 'имя_клиента'],
    ['会社名', '会社名'],
    ['Date entered "Customer (Lifecycle Stage Pipeline)"', 'date_entered_customer_lifecycle_stage_pipeline'],
    ['__id__', 'id'],
    ['Phone Number_2', 'phone_number_2'],
    ['???', ''],
  ])('%j -> %j', (input, expected) => {
    expect(snakeCase(input)).toBe(expected);
  });
});

describe('buildColumns', () => {
  it('renames repeated headers and warns, naming them', () => {
    const { columns, warnings } = buildColumns(['Phone Number', 'Email', 'Phone Number', 'Phone Number']);
    expect(columns.headers).toEqual(['Phone Number', 'Email', 'Phone Number_2', 'Phone Number_3']);
    expect(columns.keys).toEqual(['phone_number', 'email', 'phone_number_2', 'phone_number_3']);
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toContain('Phone Number -> Phone Number_2');
    expect(warnings[0]).toContain('Phone Number -> Phone Number_3');
  });

  it('does not collide with an existing header when renaming', () => {
    const { columns } = buildColumns(['A', 'A_2', 'A']);
    expect(columns.headers).toEqual(['A', 'A_2', 'A_3']);
  });

  it('names empty headers column_N and gives a key to headers without letters', () => {
    const { columns, warnings } = buildColumns(['Name', '', '  ', '#']);
    expect(columns.headers).toEqual(['Name', 'column_2', 'column_3', '#']);
    expect(columns.keys).toEqual(['name', 'column_2', 'column_3', 'column_4']);
    expect(warnings).toEqual([]);
  });

  it('has no warnings for clean headers', () => {
    expect(buildColumns(['a', 'b']).warnings).toEqual([]);
  });

  const canonicalCases: [string, string[], Partial<Record<CanonicalField, number>>][] = [
    ['snake headers', ['first_name', 'last_name', 'email', 'company', 'role', 'language', 'notes'],
      { first_name: 0, last_name: 1, email: 2, company: 3, role: 4, language: 5, notes: 6 }],
    ['LinkedIn', ['First Name', 'Last Name', 'URL', 'Email Address', 'Company', 'Position', 'Connected On'],
      { first_name: 0, last_name: 1, email: 3, company: 4, role: 5 }],
    ['Google legacy', ['Name', 'Given Name', 'Family Name', 'Notes', 'E-mail 1 - Type', 'E-mail 1 - Value'],
      { full_name: 0, first_name: 1, last_name: 2, notes: 3, email: 5 }],
    ['Outlook: Title is a salutation, Job Title wins', ['Title', 'First Name', 'Surname', 'Job Title', 'E-mail Address', 'Organization'],
      { role: 3, first_name: 1, last_name: 2, email: 4, company: 5 }],
    ['Thunderbird', ['Display Name', 'First Name', 'Last Name', 'Primary Email'],
      { full_name: 0, first_name: 1, last_name: 2, email: 3 }],
    ['CamelCase and misc', ['FirstName', 'LastName', 'Organisation', 'Lang', 'Comments', 'Job Role'],
      { first_name: 0, last_name: 1, company: 2, language: 3, notes: 4, role: 5 }],
    ['first of two matching columns', ['Company Name', 'Company name', 'Associated Company'], { company: 0 }],
    ['nothing canonical', ['foo', 'bar'], {}],
  ];
  it.each(canonicalCases)('canonical names: %s', (_label, headers, expected) => {
    expect(buildColumns(headers).columns.canonical).toEqual(expected);
  });
});

describe('findColumn / fieldValue', () => {
  const { columns } = buildColumns(['E-mail Address', 'Given Name', 'Phone Number', 'Phone Number', 'Lang']);
  it.each([
    ['E-mail Address', 0], // as written
    ['e_mail_address', 0], // snake key
    ['email', 0], // canonical
    ['first_name', 1],
    ['Given Name', 1],
    ['Phone Number', 2],
    ['Phone Number_2', 3],
    ['phone_number_2', 3],
    ['language', 4],
    ['company', undefined],
    ['nope', undefined],
  ] as const)('%j -> %j', (name, index) => {
    expect(findColumn(columns, name)).toBe(index);
  });

  it('fieldValue reads the cell, or undefined for an unknown column', () => {
    const r = rec(['a@b.example', 'Ann', '1', '2', 'de']);
    expect(fieldValue(r, columns, 'email')).toBe('a@b.example');
    expect(fieldValue(r, columns, 'Phone Number_2')).toBe('2');
    expect(fieldValue(r, columns, 'company')).toBeUndefined();
  });
});

describe('recipientRecord', () => {
  it('maps every header (renamed ones included) to its cell', () => {
    const { columns } = buildColumns(['Name', 'Phone', 'Phone']);
    expect(recipientRecord(rec(['Ann', '1', '2']), columns)).toEqual({ Name: 'Ann', Phone: '1', Phone_2: '2' });
  });

  it('keeps a __proto__ header as a plain own key', () => {
    const { columns } = buildColumns(['__proto__', 'x']);
    const out = recipientRecord(rec(['evil', 'y']), columns);
    expect(Object.keys(out)).toEqual(['__proto__', 'x']);
    expect(Object.getPrototypeOf(out)).toBe(Object.prototype);
  });
});

describe('displayName', () => {
  const { columns } = buildColumns(['Name', 'First Name', 'Last Name', 'Email']);
  it.each([
    [['Ann Lee', 'Ann', 'Lee', 'a@x.example'], 'Ann Lee'],
    [['', 'Ann', 'Lee', 'a@x.example'], 'Ann Lee'],
    [['', '', 'Lee', 'a@x.example'], 'Lee'],
    [['  ', '', '', 'a@x.example'], 'a@x.example'],
    [['', '', '', ''], 'row 7'],
  ])('%j -> %j', (cells, expected) => {
    expect(displayName(rec(cells, 7), columns)).toBe(expected);
  });
  it('falls back to the row for a file without name columns', () => {
    expect(displayName(rec(['x'], 3), buildColumns(['foo']).columns)).toBe('row 3');
  });
});

describe('sniffDelimiter', () => {
  it.each([
    ['a,b,c\n1,2,3', ','],
    ['Display Name;First Name;Last Name;Primary Email\n', ';'],
    ['a\tb\tc', '\t'],
    ['a|b|c', '|'],
    ['"a,b";c;d\n', ';'], // commas inside quotes do not count
    ['"x\ny,z,w";q;r', ';'], // a quoted header cell spanning lines
    ['single', ','],
    ['a,b\r\nc;d;e;f', ','], // only the first record counts
  ])('%j -> %j', (text, expected) => {
    expect(sniffDelimiter(text)).toBe(expected);
  });
});

describe('detectPreamble', () => {
  it.each([
    ['LinkedIn notes block', ['Notes:', '"When exporting, some emails are missing, see https://x"', '', 'First Name,Last Name', 'a,b'], 3, 'Notes:'],
    ['plain header', ['a,b,c', '1,2,3'], 0, undefined],
    ['leading blank lines', ['', '', ' ', 'a,b,c', '1,2,3'], 3, undefined],
    ['single-column file', ['email', 'a@x.example', 'b@x.example'], 0, undefined],
    ['single-column file with a blank line', ['email', 'a@x.example', '', 'b@x.example'], 0, undefined],
    ['quoted multi-line header cell', ['"\t', '', ' start,', '",b,c'], 0, undefined],
    ['title line then header', ['Exported contacts', '', '', 'a;b', '1;2'], 3, 'Exported contacts'],
  ] as const)('%s', (_label, lines, skip, preamble) => {
    expect(detectPreamble([...lines])).toEqual({ skip, preamble });
  });

  it.each([
    ['CSVY front matter', ['---', 'name: x', 'fields:', '  - name: a', '---', 'a,b', '1,2'], 5],
    ['closed by "..." and followed by a blank line', ['---', 'name: x', '...', '', 'a;b', '1;2'], 4],
  ] as const)('%s', (_label, lines, skip) => {
    expect(detectPreamble([...lines])).toEqual({ skip, preamble: '---', frontMatter: true });
  });

  it('a lone "---" line that is never closed is not front matter', () => {
    expect(detectPreamble(['---', 'a,b', '1,2'])).toEqual({ skip: 0, preamble: undefined });
  });
});

describe('storedRow', () => {
  it('turns a stored recipient back into its cells in header order and its columns, built once per header list', () => {
    const a = storedRow({ 'First Name': 'Ana', 'E-mail': 'ana@x.org', Notes: '' });
    expect(a.headers).toEqual(['First Name', 'E-mail', 'Notes']);
    expect(a.cells).toEqual(['Ana', 'ana@x.org', '']);
    expect(a.columns.canonical).toMatchObject({ first_name: 0, email: 1, notes: 2 });
    const b = storedRow({ 'First Name': 'Ben', 'E-mail': 'ben@x.org', Notes: 'hi' });
    expect(b.columns).toBe(a.columns);
    expect(b.cells).toEqual(['Ben', 'ben@x.org', 'hi']);
    const c = storedRow({ Name: 'Cy' });
    expect(c.columns.canonical).toEqual({ full_name: 0 });
  });
});
