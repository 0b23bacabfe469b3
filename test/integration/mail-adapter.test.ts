// The mailparser adapter on written fixtures (Gmail Takeout-like, Thunderbird-like, a folder of
// .eml) and on real messages from mailparser's own test corpus (../shared/realdata).
import { readdirSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { ImportedMessage } from '../../src/core/memory/records.js';
import { rawMessages, resolveSources } from '../../src/io/mail/mail-sources.js';
import { parseMessage, type ParseContext, type ParsedResult } from '../../src/io/mail/parse-message.js';
import { hasShared, repoRoot, sharedDir } from '../helpers/cli.js';

const FIXTURES = path.join(repoRoot, 'test/fixtures/mail');
const REALDATA = path.join(sharedDir, 'realdata/mail-mailparser');
const ME: ParseContext = { direction: 'auto', me: new Set(['sam@example.com']) };

async function parseAll(name: string, ctx: ParseContext = ME): Promise<ParsedResult[]> {
  const [source] = await resolveSources([name], FIXTURES);
  const out: ParsedResult[] = [];
  for await (const raw of rawMessages(source!)) out.push(await parseMessage(raw, ctx));
  return out;
}

const only = (r: ParsedResult): ImportedMessage => {
  expect(r.messages).toHaveLength(1);
  return r.messages[0]!;
};

describe('Gmail Takeout-like mbox', () => {
  it('decodes base64 multipart/alternative, RFC 2047 subjects and names; sent by me -> the recipient', async () => {
    const [first, reply, bob, joerg] = await parseAll('takeout.mbox');
    expect(only(first!)).toMatchObject({
      messageId: 'CAF1-first@mail.gmail.com', direction: 'sent', address: 'ana@example.org', name: 'Ana Lima',
      at: '2026-10-02T09:00:00.000Z', subject: 'Café next week?', source: 'takeout.mbox#1',
    });
    expect(only(first!).text).toContain("I'd love to hear how the café launch went.");
    expect(only(first!).text).toContain('From the team at Example Tools');
    expect(only(first!).contentHash).toMatch(/^[0-9a-f]{64}$/);
    // HTML-only reply: text from the HTML, the quoted part (with "unsubscribe me" in it) gone.
    expect(only(reply!)).toMatchObject({ direction: 'received', address: 'ana@example.org', text: 'Sounds good — Thursday works. The launch went well!', subject: 'Re: Café next week?' });
    expect(only(reply!).optOut).toBeUndefined();
    expect(only(bob!)).toMatchObject({ address: 'bob@example.net', name: 'Björn Berg', text: 'Not interested right now, try me in Q1.\n\nBjörn' });
    expect(only(bob!).optOut).toBeUndefined();
    // My own Cc is not another party; the ISO-8859-1 encoded-word name is decoded.
    expect(only(joerg!)).toMatchObject({ direction: 'sent', address: 'joerg@example.de', name: 'Jörg Müller', subject: 'Grüße aus Berlin' });
    expect(only(joerg!).text).toContain('From the start, we knew.');
  });

  it('a sent message to several people is one message per recipient', async () => {
    const [first] = await parseAll('takeout.mbox', { direction: 'sent', me: new Set() });
    expect(first!.messages.map((m) => m.address)).toEqual(['ana@example.org']);
    const [, , , joerg] = await parseAll('takeout.mbox', { direction: 'sent', me: new Set() });
    expect(joerg!.messages.map((m) => m.address)).toEqual(['joerg@example.de', 'sam@example.com']);
  });
});

describe('Thunderbird-like mbox', () => {
  it('decodes quoted-printable ISO-8859-1, strips the signature and quotes, and reads opt-outs in the reply only', async () => {
    const [lena, carl, dana, sent, nodate, charset] = await parseAll('thunderbird.mbox');
    expect(only(lena!)).toMatchObject({ address: 'lena@example.de', name: 'Lena Müller', subject: 'AW: Ihre Anfrage für München', optOut: true, at: '2026-10-03T09:00:00.000Z' });
    expect(only(lena!).text).not.toContain('Söhne');
    expect(only(carl!)).toMatchObject({ optOut: true, text: 'Please remove me from your list.\n\nThanks,\nCarl' });
    expect(only(dana!)).toMatchObject({ text: 'Thursday 3pm works for me.' });
    expect(only(dana!).optOut).toBeUndefined();
    expect(only(sent!)).toMatchObject({ direction: 'sent', address: 'dana@example.com', text: "Great, see you Thursday at 3pm — I'll bring the café plans.\n\nSam" });
    expect(only(nodate!).at).toBe('2026-10-05T07:00:00.000Z');
    expect(nodate!.warnings).toEqual(['no Date header: dated by its mbox From_ line']);
    expect(only(charset!).text).toContain('\uFFFD');
    expect(charset!.warnings.join()).toMatch(/could not be decoded/);
  });

  it('received by direction flag: every message is from its sender', async () => {
    const results = await parseAll('thunderbird.mbox', { direction: 'received', me: new Set() });
    expect(results.map((r) => only(r).address)).toEqual(['lena@example.de', 'carl@example.com', 'dana@example.com', 'sam@example.com', 'eve@example.org', 'finn@example.org']);
  });
});

describe('a folder of .eml files', () => {
  it('reads .eml files recursively in a stable order and ignores other files', async () => {
    const results = await parseAll('eml');
    expect(results.map((r) => only(r).source)).toEqual(['eml/2026-10/b.eml', 'eml/a.eml']);
    expect(results.map((r) => only(r).direction)).toEqual(['sent', 'received']);
  });
});

describe.skipIf(!hasShared)('real messages (../shared/realdata/mail-mailparser)', () => {
  if (!hasShared) it.skip(`skipped: ${sharedDir} is absent`, () => {});

  it('a delivery-status report with Action: failed is a bounce of the Final-Recipient', async () => {
    const [result] = await parseAll(path.join(REALDATA, 'delivery-status.eml'), { direction: 'received', me: new Set() });
    expect(result!.messages).toHaveLength(1);
    expect(result!.messages[0]).toMatchObject({ address: 'xxxx@xxxx.com', bounce: { reason: 'status 5.1.1' }, direction: 'received' });
  });

  it('every file parses to messages or a skip reason, never an exception', async () => {
    const files = readdirSync(REALDATA).filter((f) => f.endsWith('.eml'));
    expect(files.length).toBeGreaterThan(3);
    for (const f of files) {
      const [result] = await parseAll(path.join(REALDATA, f), { direction: 'received', me: new Set() });
      expect(result!.messages.length > 0 || typeof result!.skipped === 'string', f).toBe(true);
    }
  });

  it('an Apple Mail reply keeps only its own words', async () => {
    const [result] = await parseAll(path.join(REALDATA, 'applequoted.eml'), { direction: 'received', me: new Set() });
    expect(only(result!).text).not.toMatch(/^>/m);
    expect(only(result!).text.length).toBeLessThan(20);
  });
});

describe('messages built here', () => {
  const raw = (text: string) => ({ bytes: Buffer.from(text.replace(/\n/g, '\r\n')), index: 1, line: 1, offset: text.length, source: 'x.eml' });
  const reply = (extra: string) => `From: Kim <kim@example.com>\nTo: sam@example.com\nDate: Mon, 2 Oct 2026 09:00:00 +0000\nSubject: Re: hi\n${extra}\nPlease remove me from your list.\n`;

  it('automatic mail (auto-replies, lists) is never read as a person asking to stop', async () => {
    const ctx: ParseContext = { direction: 'received', me: new Set() };
    expect(only(await parseMessage(raw(reply('')), ctx)).optOut).toBe(true);
    for (const header of ['Auto-Submitted: auto-replied', 'List-Unsubscribe: <mailto:u@example.com>', 'Precedence: bulk']) {
      expect(only(await parseMessage(raw(reply(`${header}\n`)), ctx)).optOut, header).toBeUndefined();
    }
  });

  it('a delivery report that is not a failure is an ordinary message, not a bounce', async () => {
    const report = 'From: MAILER-DAEMON@example.net\nTo: sam@example.com\nDate: Mon, 2 Oct 2026 09:00:00 +0000\nSubject: Delivered\nContent-Type: multipart/report; report-type=delivery-status; boundary="b"\n\n--b\nContent-Type: text/plain\n\nDelivered.\n--b\nContent-Type: message/delivery-status\n\nReporting-MTA: dns; example.net\n\nFinal-Recipient: rfc822; kim@example.com\nAction: delivered\nStatus: 2.0.0\n--b--\n';
    const result = await parseMessage(raw(report), { direction: 'received', me: new Set() });
    expect(only(result).bounce).toBeUndefined();
    expect(only(result).address).toBe('mailer-daemon@example.net');
  });

  it('no headers at all: skipped with a reason', async () => {
    const result = await parseMessage(raw('\n\njust some text\n'), { direction: 'received', me: new Set() });
    expect(result.messages).toEqual([]);
    expect(result.skipped).toMatch(/no headers|no From|no readable Date/);
  });
});
