#!/usr/bin/env node
// A stand-in for $EDITOR in tests: rewrites the file named by its last argument and exits.
// FAKE_EDITOR_APPEND: a line added at the end. FAKE_EDITOR_REPLACE="from=>to": a word replaced.
// FAKE_EDITOR_EXIT: exit code (to test an editor that fails). FAKE_EDITOR_LOG: file that gets
// the text the editor was given, so tests can check what was opened.
import { appendFileSync, readFileSync, writeFileSync } from 'node:fs';

const file = process.argv[process.argv.length - 1];
let text = readFileSync(file, 'utf8');
if (process.env.FAKE_EDITOR_LOG) appendFileSync(process.env.FAKE_EDITOR_LOG, `${JSON.stringify(text)}\n`);
const replace = process.env.FAKE_EDITOR_REPLACE;
if (replace) {
  const [from, to] = replace.split('=>');
  text = text.split(from).join(to ?? '');
}
if (process.env.FAKE_EDITOR_APPEND) text = `${text.replace(/\n*$/, '\n')}${process.env.FAKE_EDITOR_APPEND}\n`;
writeFileSync(file, text);
process.exit(Number(process.env.FAKE_EDITOR_EXIT ?? 0));
