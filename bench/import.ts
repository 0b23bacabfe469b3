// `history import` of a generated mbox (a Takeout-like mix: sent and received, 2,000 people,
// plain text, multipart/alternative with base64, quoted replies), 10,000 and 100,000 messages, into
// a fresh memory in the bench folder: messages per second and peak RSS (VmHWM), which should stay
// flat as the mbox grows (the file is streamed, batches are committed and dropped).
import { closeSync, openSync, rmSync, statSync, writeSync } from 'node:fs';
import path from 'node:path';
import { runMeasured } from './measure.js';

export interface ImportRow {
  name: string;
  value: string;
  target: string;
  ok: boolean;
}

const PEOPLE = 2000;

function message(i: number): string {
  const person = `person${i % PEOPLE}@example.org`;
  const day = new Date(Date.UTC(2020, 0, 1) + i * 60_000);
  const date = day.toUTCString().replace('GMT', '+0000');
  const sent = i % 2 === 0;
  const head = [
    `From ${sent ? 'sam' : 'person'}@example.com ${day.toUTCString().replace(/^(\w+), (\d+) (\w+) (\d+) (.*) GMT$/, '$1 $3 $2 $5 $4')}`,
    `X-GM-THRID: ${1_700_000_000_000 + Math.floor(i / 2)}`,
    `X-Gmail-Labels: ${sent ? 'Sent' : 'Inbox'}`,
    `Message-ID: <bench-${i}@mail.example.com>`,
    `Date: ${date}`,
    sent ? 'From: Sam Writer <sam@example.com>' : `From: Person ${i % PEOPLE} <${person}>`,
    sent ? `To: Person ${i % PEOPLE} <${person}>` : 'To: Sam Writer <sam@example.com>',
    `Subject: ${sent ? '' : 'Re: '}=?UTF-8?Q?Caf=C3=A9_plans_${Math.floor(i / 2)}?=`,
    'MIME-Version: 1.0',
  ];
  const text = sent
    ? `Hi,\n\nFollowing up on the café plans (${i}). Would Thursday work?\n\nFrom the team: thanks.\n\nSam\n`
    : `Thursday works for me (${i}).\n\nOn Mon, Jan 1, 2020 at 9:00 AM Sam Writer <sam@example.com> wrote:\n> Would Thursday work?\n> Sam\n`;
  if (i % 3 !== 0) return `${head.join('\n')}\nContent-Type: text/plain; charset=UTF-8\nContent-Transfer-Encoding: 8bit\n\n${text.replace(/^From /gm, '>From ')}\n`;
  const b64 = (s: string) => Buffer.from(s).toString('base64').replace(/.{76}/g, '$&\n');
  const html = `<p>${text.replace(/\n/g, '<br>')}</p>`;
  return `${head.join('\n')}\nContent-Type: multipart/alternative; boundary="b${i}"\n\n--b${i}\nContent-Type: text/plain; charset=UTF-8\nContent-Transfer-Encoding: base64\n\n${b64(text)}\n--b${i}\nContent-Type: text/html; charset=UTF-8\nContent-Transfer-Encoding: base64\n\n${b64(html)}\n--b${i}--\n\n`;
}

/** Writes the mbox in pieces (the generator itself stays small): message i is `message(i)`. */
export function writeMessages(file: string, count: number, message: (i: number) => string): void {
  const fd = openSync(file, 'w');
  try {
    let chunk = '';
    for (let i = 0; i < count; i++) {
      chunk += message(i);
      if (chunk.length > 1 << 20) {
        writeSync(fd, chunk);
        chunk = '';
      }
    }
    writeSync(fd, chunk);
  } finally {
    closeSync(fd);
  }
}

export function makeMbox(file: string, count: number): void {
  writeMessages(file, count, message);
}

async function importOnce(bin: string, work: string, count: number) {
  const mbox = path.join(work, `import-${count}.mbox`);
  const memory = path.join(work, `import-${count}.db`);
  makeMbox(mbox, count);
  rmSync(memory, { force: true });
  const r = await runMeasured(bin, ['history', 'import', mbox, '--me', 'sam@example.com', '--memory', memory, '--quiet'], { cwd: work });
  if (r.code !== 0) throw new Error(`history import exited ${r.code}: ${r.stderr.slice(-2000)}`);
  const read = Number(/messages read\s+(\d+)/.exec(r.stderr)?.[1]);
  if (read !== count) throw new Error(`history import read ${read} of ${count} messages`);
  const sizes = { mbox: statSync(mbox).size, memory: statSync(memory).size };
  rmSync(mbox, { force: true });
  return { ...r, sizes };
}

export async function benchImport(_root: string, work: string, bin: string): Promise<ImportRow[]> {
  const small = await importOnce(bin, work, 10_000);
  const big = await importOnce(bin, work, 100_000);
  const rate = 100_000 / (big.ms / 1000);
  const mb = (kb: number) => kb / 1024;
  return [
    {
      name: `history import of a 100,000-message mbox (${(big.sizes.mbox / 2 ** 20).toFixed(0)} MB; memory file ${(big.sizes.memory / 2 ** 20).toFixed(0)} MB): messages/s`,
      value: `${rate.toFixed(0)}/s (${(big.ms / 1000).toFixed(1)} s)`,
      target: '-',
      ok: true,
    },
    {
      name: 'peak RSS importing 10,000 / 100,000 messages',
      value: `${mb(small.peakRssKb).toFixed(0)} MB / ${mb(big.peakRssKb).toFixed(0)} MB`,
      target: '< 150 MB, flat (100k within 20% of 10k)',
      ok: mb(big.peakRssKb) < 150 && big.peakRssKb <= small.peakRssKb * 1.2,
    },
  ];
}
