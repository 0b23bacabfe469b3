// searchableText / exampleTerms: what the memory's example search may match people on. Identifying
// fields (names, addresses, links, phones, ids) never get in, by header or by the value's shape.
import { describe, expect, it } from 'vitest';
import { exampleTerms, foldWord, searchableText } from '../../src/core/memory/search-fields.js';

describe('searchableText', () => {
  it.each([
    ['names and addresses by header', { 'First Name': 'Ana', Surname: 'Lopez', Email: 'ana@example.org', Role: 'CTO' }, 'CTO'],
    ['a company name is kept, a contact name is not', { company_name: 'Acme Robotics', contact_name: 'Ben Ode' }, 'Acme Robotics'],
    ['links, phones, ids and birthdays by header', { LinkedIn: 'in/ana', Website: 'acme.io', Mobile: '+49 151 234', customer_id: 'C-1', Birthday: '1990-01-02', City: 'Zürich' }, 'Zürich'],
    ['by the value: an address, a link, a phone, an id, a uuid', { a: 'x@y.org', b: 'https://acme.io/team', c: '+1 (555) 123-4567', d: 'CRM-40211', e: '0b5c2e1a-3f4d-4c5e-9a8b-1234567890ab', industry: 'Logistik' }, 'Logistik'],
    ['addresses and links cut out of free text', { notes: 'Met at KubeCon, mail ana@acme.io or see www.acme.io/blog; call +44 20 7946 0958' }, 'Met at KubeCon, mail or see call'],
    ['empty and digit-only values dropped', { role: '  ', team: '2024', interests: 'Rust, gRPC' }, 'Rust, gRPC'],
    ['the language column describes, it stays', { language: 'de', role: 'Einkäuferin' }, 'de\nEinkäuferin'],
  ])('%s', (_, fields, expected) => {
    expect(searchableText(fields)).toBe(expected);
  });
});

describe('exampleTerms', () => {
  it.each([
    ['folded, distinct, stopwords and one-letter words out', { role: 'Head of Logística', company: 'Café y Más', industry: 'logistica' }, ['logistica', 'head', 'cafe', 'mas']],
    ['short fields first: notes never crowd out the role', { notes: 'Loves sailing and robotics and long walks on the beach near the old harbour', role: 'CFO' }, ['cfo', 'loves', 'sailing', 'robotics', 'long', 'walks', 'beach', 'near', 'old', 'harbour']],
    ['German and French stopwords', { notes: 'Leiterin der Entwicklung bei einer Bank', title: 'Directrice de la stratégie' }, ['directrice', 'strategie', 'leiterin', 'entwicklung', 'bank']],
    ['nothing describing: no terms', { name: 'Ana', email: 'ana@example.org', phone: '+34 600 000 000' }, []],
  ])('%s', (_, fields, expected) => {
    expect(exampleTerms(fields)).toEqual(expected);
  });

  it('stops at max, deterministically', () => {
    const fields = { notes: 'alpha beta gamma delta epsilon zeta eta theta iota kappa lambda', role: 'sales director' };
    expect(exampleTerms(fields, 4)).toEqual(['sales', 'director', 'alpha', 'beta']);
    expect(exampleTerms(fields, 4)).toEqual(exampleTerms({ ...fields }, 4));
  });

  it('folds as the index does', () => {
    expect(foldWord('Ärztin')).toBe('arztin');
    expect(foldWord('CAFÉ')).toBe('cafe');
  });
});
