// What the `history` commands print. Everything the memory holds came from CSV cells, mail or a
// model: every piece is stripped of terminal controls before it reaches the terminal. Pure strings.
import type { ForgetResult, MemoryStats, NotedFile, PersonReport, StoredMessage } from '../core/memory/reports.js';
import { stripControls, stripControlsInline as inline } from '../core/text/sanitize.js';

const day = (iso: string) => inline(iso).replace('T', ' ').slice(0, 16);

export function renderNoMemory(path: string): string {
  return `draftsmith: no memory at ${inline(path)} yet: nothing is stored.\n`;
}

export function renderPerson(report: PersonReport): string {
  const lines: string[] = [];
  if (report.people.length === 0) lines.push(`Nothing stored about ${inline(report.target)}.`);
  for (const p of report.people) {
    const name = p.name ? ` (${inline(p.name)})` : '';
    const key = p.key && p.key !== `email:${p.email}` ? `, key ${inline(p.key)}` : '';
    lines.push(`${inline(p.email ?? p.key ?? report.target)}${name}${key}, first seen ${day(p.firstSeen)}`);
  }
  const s = report.suppression;
  lines.push(s ? `Do not contact: ${s.kind} (${inline(s.reason)}, ${day(s.at)})` : 'Do not contact: no');
  if (report.messages.length > 0) lines.push('', `${report.messages.length} message(s), oldest first:`);
  for (const m of report.messages) lines.push(...renderMessage(m));
  return `${lines.join('\n')}\n`;
}

function renderMessage(m: StoredMessage): string[] {
  const facts = [
    m.campaign && `campaign ${inline(m.campaign)}${m.version !== undefined ? ` v${m.version}` : ''}`,
    m.edited !== undefined && (m.edited ? 'edited' : 'not edited'),
    m.reviewer && `reviewer ${inline(m.reviewer)}`,
    m.decidedAt && m.decidedAt !== m.at && `decided ${day(m.decidedAt)}`,
    (m.engine || m.model) && inline([m.engine, m.model].filter(Boolean).join(' ')),
    m.profile && `profile ${inline(m.profile)}`,
    m.source && `from ${inline(m.source)}`,
    m.messageId && `Message-ID ${inline(m.messageId)}`,
    m.channel && `channel ${inline(m.channel)}`,
  ].filter(Boolean);
  const fields = m.fields && Object.keys(m.fields).length > 0 ? [`      fields: ${Object.entries(m.fields).map(([k, v]) => `${inline(k)}: ${inline(v)}`).join('; ')}`] : [];
  const indent = (text: string) =>
    stripControls(text)
      .split('\n')
      .map((l) => `      ${l}`.trimEnd());
  const original = m.original
    ? ['      --- the model wrote (before the reviewer edited it):', ...(m.original.subject !== undefined ? [`      Subject: ${inline(m.original.subject)}`] : []), ...indent(m.original.body)]
    : [];
  return ['', `  ${day(m.at)}  ${m.state.padEnd(9)} ${JSON.stringify(inline(m.subject))}`, ...(facts.length ? [`      ${facts.join(', ')}`] : []), ...fields, '      ---', ...indent(m.text), ...original];
}

export function renderForget(result: ForgetResult, stillHolding: readonly NotedFile[]): string {
  const lines: string[] = [];
  for (const f of result.forgotten) {
    const kept = f.keptOnDoNotContact ? '; kept on the do-not-contact list as a salted hash' : '';
    lines.push(`draftsmith: forgot ${inline(f.target)}: ${f.messages} message(s)${kept}`);
  }
  if (result.notFound.length) lines.push(`draftsmith: nothing stored about ${result.notFound.map(inline).join(', ')}`);
  if (!result.complete) lines.push('draftsmith: warning: another draftsmith process is using the memory, so its -wal file may still hold the erased data; run the same forget again when it is done.');
  if (stillHolding.length) {
    lines.push('  These files still hold the address (the memory noted them; delete or edit them too):');
    for (const f of stillHolding) lines.push(`    ${inline(f.path)} (${f.kind === 'drafts' ? 'drafts file' : 'export'})`);
  }
  return `${lines.join('\n')}\n`;
}

export function renderPurge(deleted: number, days: number): string {
  return `draftsmith: purged ${deleted} message(s) older than ${days} day(s).\n`;
}

export function renderListChange(action: 'optout' | 'optin', changed: readonly string[], unchanged: readonly string[]): string {
  const lines: string[] = [];
  if (action === 'optout') {
    if (changed.length) lines.push(`draftsmith: opted out (never drafted again without \`history optin\`): ${changed.map(inline).join(', ')}`);
    if (unchanged.length) lines.push(`draftsmith: already opted out: ${unchanged.map(inline).join(', ')}`);
  } else {
    if (changed.length) lines.push(`draftsmith: off the do-not-contact list: ${changed.map(inline).join(', ')}`);
    if (unchanged.length) lines.push(`draftsmith: not on the do-not-contact list: ${unchanged.map(inline).join(', ')}`);
  }
  return `${lines.join('\n')}\n`;
}

export function renderStats(s: MemoryStats): string {
  const m = s.messages;
  const lines = [
    `Memory: ${inline(s.path)} (${(s.bytes / 1024).toFixed(0)} KB, schema ${s.schemaVersion})`,
    `People: ${s.people}`,
    `Messages: ${m.approved + m.sent + m.received + m.withdrawn} (approved ${m.approved}, sent ${m.sent}, received ${m.received}, withdrawn ${m.withdrawn})`,
    `Do not contact: ${s.doNotContact.optedOut} opted out, ${s.doNotContact.undeliverable} undeliverable`,
    `Files noted: ${s.files.drafts} drafts file(s), ${s.files.export} export(s)`,
    `Learning: ${s.learning.edited} edited approval(s), ${s.learning.withOriginal} with the model's text (\`draftsmith learn\` reads those); ${s.learning.examples} approval(s) that can serve as examples`,
  ];
  if (s.oldest && s.newest) lines.push(`Span: ${day(s.oldest)} to ${day(s.newest)}`);
  return `${lines.join('\n')}\n`;
}
