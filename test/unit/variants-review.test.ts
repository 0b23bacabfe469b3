// Review of a draft made in variants, over the real drafts store: keys 1..N show each variant, `a`
// approves the one on screen, and the decision (and so the store's approved text) names it.
import { describe, expect, it } from 'vitest';
import { Chalk } from 'chalk';
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { DecisionRecord, DraftRecord } from '../../src/core/decisions/records.js';
import { DraftsStore } from '../../src/io/drafts-file/store.js';
import type { Ask, Choice } from '../../src/ui/ask.js';
import { runReview } from '../../src/ui/review/loop.js';

const variants = [
  { name: 'short', subject: 'Hi', body: 'Short one.' },
  { name: 'story', subject: 'A story', body: 'Once, a customer...' },
  { name: 'data', subject: 'Numbers', body: 'Three numbers.' },
];
const record: DraftRecord = {
  type: 'draft', key: 'email:ana@x.org', row: 1, version: 1, fingerprint: 'a'.repeat(32), variants, status: 'drafted',
  subject: 'Hi', body: 'Short one.', recipient: { email: 'ana@x.org' }, engine: 'fake', model: 'm', messages: [], timing: { ms: 1 }, at: 't',
};

function scripted(keys: string[]): { ask: Ask; offered: string[][] } {
  const offered: string[][] = [];
  return {
    offered,
    ask: {
      async choose<T extends string>(_m: string, choices: readonly Choice<T>[]) {
        offered.push(choices.map((c) => c.key));
        const key = keys.shift();
        const choice = choices.find((c) => c.key === key);
        if (!choice) throw Object.assign(new Error('closed'), { name: 'ExitPromptError' });
        return choice.value;
      },
      text: async () => '',
      confirm: async () => true,
    },
  };
}

describe('review of a draft made in variants', () => {
  it('shows variant 1 first, 1..N show the others, and `a` approves the one on screen', async () => {
    const file = path.join(mkdtempSync(path.join(os.tmpdir(), 'ds-variants-')), 'x.drafts.jsonl');
    const store = await DraftsStore.open(file, { lock: true, create: true });
    try {
      store.append(record);
      const screens: string[] = [];
      const { ask, offered } = scripted(['3', '2', 'a']);
      const linted: string[] = [];
      const result = await runReview({
        store, ask, edit: async () => ({ ok: false, reason: 'no' }), regenerate: async () => 'no',
        lint: (d) => (linted.push(d.body), []), isPrivate: () => false, show: (t) => screens.push(t), width: 100, chalk: new Chalk({ level: 0 }), now: () => 'NOW',
      });
      expect(result.end).toBe('finished');
      expect(offered[0]).toEqual(['a', 'e', 'r', 's', 'b', 'v', 'q', '1', '2', '3']);
      expect(screens[0]).toMatch(/variant 1 of 3: short\s+\[1 short\] · 2 story · 3 data/);
      expect(screens[0]).toContain('Short one.');
      expect(screens[1]).toMatch(/variant 3 of 3: data/);
      expect(screens[2]).toMatch(/variant 2 of 3: story/);
      expect(screens[2]).toContain('Once, a customer...');
      // Each variant on screen is linted before it can be approved.
      expect(linted).toEqual(['Short one.', 'Three numbers.', 'Once, a customer...']);
      expect(store.readDecision(record.key!)).toMatchObject<Partial<DecisionRecord>>({ status: 'approved', version: 1, variant: 2 });
      expect(store.read(record.key!)).toMatchObject({ variant: 2, text: { subject: 'A story', body: 'Once, a customer...' } });
    } finally {
      await store.close();
    }
    // Read back from disk: the fold holds the approval, and the approved text is variant 2's.
    const again = await DraftsStore.open(file, { lock: false, create: false });
    try {
      const [state] = again.recipients();
      expect(state).toMatchObject({ status: 'approved', variants: 3 });
      expect(again.read(state!.key)?.text?.body).toBe('Once, a customer...');
    } finally {
      await again.close();
    }
  });
});
