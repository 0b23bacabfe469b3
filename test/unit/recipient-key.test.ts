// Who a recipient is (src/core/recipients/recipient-key.ts): drafts and decisions follow this key, so a
// wrong key hands one person's approval to another.
import { describe, expect, it } from 'vitest';
import { InputError } from '../../src/core/errors.js';
import { normaliseUrl, recipientKeyFor, storedRecipientKey, type KeyRules } from '../../src/core/recipients/recipient-key.js';
import { buildColumns } from '../../src/core/recipients/recipients.js';

function keyOf(headers: string[], rules: KeyRules = {}): (cells: string[]) => string {
  return recipientKeyFor(buildColumns(headers).columns, rules);
}

describe('recipientKeyFor', () => {
  const headers = ['Name', 'Email', 'LinkedIn URL', 'Notes'];
  it.each<[string, string[], KeyRules, string]>([
    ['e-mail, trimmed and lower-cased', ['Ana', '  Ana@Example.COM ', '', ''], {}, 'email:ana@example.com'],
    ['profile URL when the e-mail is blank', ['Ana', '   ', 'https://www.linkedin.com/in/ana/', ''], {}, 'url:linkedin.com/in/ana'],
    ['identity columns before the e-mail, trimmed, joined by US', ['Ana', 'ana@x.io', ' li ', 'n'], { identity: ['Name', 'LinkedIn URL'] }, 'id:Ana\u001fli'],
    ['identity with one of its cells blank', ['Ana', 'ana@x.io', '', ''], { identity: ['Name', 'Notes'] }, 'id:Ana\u001f'],
    ['the e-mail when every identity cell is blank', ['  ', 'ana@x.io', '', ''], { identity: ['Name'] }, 'email:ana@x.io'],
    ['the e-mail when the identity cells are missing from a short row', ['Ana', 'ana@x.io'], { identity: ['Notes'] }, 'email:ana@x.io'],
    ['an empty identity list as no identity', ['Ana', 'ana@x.io', '', ''], { identity: [] }, 'email:ana@x.io'],
  ])('keys by %s', (_label, cells, rules, key) => {
    expect(keyOf(headers, rules)(cells)).toBe(key);
  });

  it.each(['LinkedIn URL', 'LinkedIn Profile URL', 'LinkedIn Profile', 'LinkedIn', 'Profile URL', 'Person Linkedin Url', 'URL'])(
    'keys by the profile page in a %j column',
    (header) => {
      expect(keyOf(['Name', header])(['Ana', 'https://www.linkedin.com/in/ana'])).toBe('url:linkedin.com/in/ana');
    },
  );

  it('finds a profile-URL column that comes first', () => {
    expect(keyOf(['LinkedIn', 'Name'])(['linkedin.com/in/ana', 'Ana'])).toBe('url:linkedin.com/in/ana');
  });

  it('prefers the most specific profile-URL column', () => {
    const key = keyOf(['Name', 'url', 'linkedin_url'])(['Ana', 'https://ana.dev', 'linkedin.com/in/ana']);
    expect(key).toBe('url:linkedin.com/in/ana');
  });

  it('without e-mail or URL, hashes the non-private cells by header', () => {
    const key = keyOf(['Name', 'Company', 'Phone']);
    const rules = { privateColumns: [2] };
    const a = keyOf(['Name', 'Company', 'Phone'], rules);
    expect(key(['Ana', 'Acme', '555'])).toMatch(/^cells:[0-9a-f]{24}$/);
    // A changed cell is another recipient; spaces around a cell are not.
    expect(key(['Ana', 'Acme', '555'])).not.toBe(key(['Ana', 'Acme', '556']));
    expect(key([' Ana ', 'Acme', '555'])).toBe(key(['Ana', 'Acme', '555']));
    // A private cell is left out: editing it keeps the recipient.
    expect(a(['Ana', 'Acme', '555'])).toBe(a(['Ana', 'Acme', '556']));
    expect(a(['Ana', 'Acme', '555'])).not.toBe(a(['Ana', 'Initech', '555']));
    // Headers count: the same cells under other columns are another recipient.
    expect(keyOf(['Name', 'Team'])(['Ana', 'Acme'])).not.toBe(keyOf(['Name', 'Company'])(['Ana', 'Acme']));
    // Cells are separated: moving text between cells changes the key.
    expect(key(['Ana', 'Acme', ''])).not.toBe(key(['AnaAcme', '', '']));
  });

  it('keys a short row (missing cells) as blank cells', () => {
    expect(keyOf(['Name', 'Email'])(['Ana'])).toBe(keyOf(['Name', 'Email'])(['Ana', '']));
  });

  it('refuses identity columns the CSV lacks, naming them and the columns it has', () => {
    const many = ['A', 'B', 'C', 'D', 'E', 'F', 'G', 'H', 'I'];
    const err = (() => {
      try {
        keyOf(many, { identity: ['A', 'Member ID', 'crm'] });
      } catch (e) {
        return e as InputError;
      }
      throw new Error('no error');
    })();
    expect(err).toBeInstanceOf(InputError);
    expect(err.message).toBe(`the profile's identity column(s) "Member ID", "crm" are not in the CSV`);
    expect(err.hint).toContain('use columns the CSV has (A, B, C, D, E, F, G, H, ...)');
    expect(() => keyOf(many.slice(0, 8), { identity: ['Z'] })).toThrow(
      expect.objectContaining({ hint: expect.stringContaining('(A, B, C, D, E, F, G, H), or remove') }),
    );
    expect(() => keyOf(['A', 'B'], { identity: ['Z'] })).toThrow(
      expect.objectContaining({ hint: expect.stringContaining('(A, B), or remove') }),
    );
  });
});

describe('normaliseUrl', () => {
  it.each([
    ['https://www.LinkedIn.com/in/jane/?utm=x', 'linkedin.com/in/jane'],
    ['HTTP://WWW.Example.COM', 'example.com'],
    ['linkedin.com/in/Jane', 'linkedin.com/in/Jane'],
    ['git+ssh://Host.example/Repo', 'host.example/Repo'],
    ['example.com/a#section', 'example.com/a'],
    ['example.com/a///', 'example.com/a'],
    ['  example.com  ', 'example.com'],
    ['linkedin.com/in/www.ana', 'linkedin.com/in/www.ana'],
    ['example.com/r/https://x.io', 'example.com/r/https://x.io'],
    ['/in/Jane', '/in/Jane'],
    ['in/jane', 'in/jane'],
    ['', ''],
    ['   ', ''],
    ['not a url.com', ''],
    ['jane', ''],
    ['https://jane/', ''],
    ['?utm=x', ''],
  ])('%j -> %j', (raw, expected) => {
    expect(normaliseUrl(raw)).toBe(expected);
  });
});

describe('storedRecipientKey', () => {
  it('keys a stored recipient as recipientKeyFor keys its row', () => {
    const key = storedRecipientKey();
    expect(key({ Name: 'Ana', Email: ' ANA@x.io' })).toBe('email:ana@x.io');
    const cells = keyOf(['Name', 'Company'])(['Ana', 'Acme']);
    expect(key({ Name: 'Ana', Company: 'Acme' })).toBe(cells);
  });

  it('uses each record’s own headers, also after another header list was seen', () => {
    const key = storedRecipientKey();
    expect(key({ Name: 'Ana', Company: 'Acme' })).toBe(keyOf(['Name', 'Company'])(['Ana', 'Acme']));
    expect(key({ Name: 'Ana', Team: 'Acme' })).toBe(keyOf(['Name', 'Team'])(['Ana', 'Acme']));
    expect(key({ Name: 'Ana', Email: 'a@x.io' })).toBe('email:a@x.io');
    expect(key({ Name: 'Bo', Company: 'Acme' })).toBe(keyOf(['Name', 'Company'])(['Bo', 'Acme']));
  });

  it('tells header lists apart that run together (Name, Email and NameEmail)', () => {
    const key = storedRecipientKey();
    expect(key({ Name: 'Ana', Email: '' })).toBe(keyOf(['Name', 'Email'])(['Ana', '']));
    expect(key({ NameEmail: 'Ana' })).toBe(keyOf(['NameEmail'])(['Ana']));
  });

  it('keeps the identity rule but hashes every stored column (private columns were stored too)', () => {
    expect(storedRecipientKey({ identity: ['Name'] })({ Name: 'Ana', Email: 'a@x.io' })).toBe('id:Ana');
    const key = storedRecipientKey({ privateColumns: [1] });
    expect(key({ Name: 'Ana', Phone: '555' })).not.toBe(key({ Name: 'Ana', Phone: '556' }));
  });
});
