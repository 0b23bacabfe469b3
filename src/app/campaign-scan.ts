// A `draft` run's campaign: the profile and templates loaded, the CSV scanned once (each row keyed
// into the roster, and asked about by the memory's do-not-contact list as it passes), the rows
// selected (`--rows`, `--limit`, one row per recipient) minus the excluded ones, and the settings
// every row shares. The dry run, the batch file and the live run all start from it.
import { UsageError } from '../core/errors.js';
import { generationOptions, type Templates } from '../core/drafting/prompt.js';
import { draftSchema } from '../core/drafting/draft-answer.js';
import { unknownFieldNames } from '../core/drafting/private-columns.js';
import { assertNoColumnCollision, outputFieldNames } from '../core/drafting/output-fields.js';
import type { GenerationOptions, JsonSchema } from '../core/engine.js';
import type { ToneProfile } from '../core/profile.js';
import type { Recipient } from '../core/recipients/recipients.js';
import type { RosterBuilder } from '../core/recipients/roster.js';
import { selectedRows, withoutRows, type RowSelection, type SelectedRows } from '../core/recipients/row-selection.js';
import { stripControlsInline } from '../core/text/sanitize.js';
import { readRecipients, scanCsv, type CsvOptions, type CsvScan } from '../io/csv/reader.js';
import type { Ui } from '../ui/terminal.js';
import { preflightWarnings, rosterReader } from './campaign.js';
import type { CampaignMemory, Exclusion } from './campaign-memory.js';
import { filterRows } from './draft-jobs.js';
import type { LoadedCatalog } from './catalog-step.js';
import { rulesStep, type PlanStep } from './recipient-plans.js';
import { ruleColumns, ruleName, sentimentSources } from '../core/rules/conditions.js';
import { findColumn, type Columns } from '../core/recipients/recipients.js';
import type { RuleTemplates } from '../io/rule-templates.js';

/** The flags the scan reads. */
export interface ScanOptions {
  csv: string;
  selection?: RowSelection;
  /** `--rows` as typed, for messages. */
  rows?: string;
  limit?: number;
  seed?: number;
  temperature?: number;
  encoding?: string;
  skipLines?: number;
}

/** The scanned CSV and everything every row of this run shares. */
export interface Campaign {
  profile: ToneProfile;
  profileFile: string;
  templates: Templates;
  csv: CsvOptions;
  fromStdin: boolean;
  scan: CsvScan;
  roster: RosterBuilder;
  /** The selected rows the run may contact (the excluded ones left out). */
  selected: SelectedRows;
  excluded: Exclusion[];
  memory: CampaignMemory;
  /** The profile's catalog, when it names one (app/catalog-step.ts). */
  catalog?: LoadedCatalog;
  schema: JsonSchema;
  options: GenerationOptions;
  /** The selected rows, read again from the CSV. */
  recipients: () => AsyncGenerator<Recipient>;
  /** The user-prompt templates the profile's rules name (io/rule-templates.ts). */
  ruleTemplates: RuleTemplates;
  /** The profile's rules compiled against this CSV's columns; undefined without rules. */
  rules?: PlanStep;
  /** The rules read a sentiment (not in the row's cells): rows are planned every run. */
  plansReadMore: boolean;
}

export async function scanCampaign(o: ScanOptions, ui: Ui, loaded: Pick<Campaign, 'profile' | 'profileFile' | 'templates' | 'memory' | 'ruleTemplates' | 'catalog'>, file: string, fromStdin: boolean): Promise<Campaign> {
  const { profile } = loaded;
  const csv: CsvOptions = { file, displayName: fromStdin ? '<stdin>' : o.csv, encoding: o.encoding, skipLines: o.skipLines };
  // The do-not-contact list is asked while the CSV is scanned: no second pass over it.
  const reader = rosterReader(profile, (columns) => loaded.memory.screener(columns));
  const scan = await scanCsv(csv, reader.visitor);
  const roster = reader.roster();
  for (const notice of scan.notices) ui.note(notice);
  for (const warning of scan.warnings) ui.warn(warning);
  for (const warning of preflightWarnings(roster, profile.channel)) ui.warn(warning);
  assertNoColumnCollision(outputFieldNames(profile.output?.fields), scan.columns.headers, stripControlsInline(csv.displayName ?? csv.file));
  const unknown = unknownFieldNames(profile, scan.columns);
  if (unknown.length > 0) {
    ui.warn(`profile names column(s) the CSV does not have: ${unknown.join(', ')} (check fields.private / fields.use)`);
  }
  for (const w of ruleColumnWarnings(profile, scan.columns)) ui.warn(w);
  // A recipient's later rows in the same CSV are not drafted: one person gets one message.
  const chosen = selectedRows(scan.rows, o.selection, o.limit, (row) => roster.keyAt(row)?.first === true);
  const excluded = loaded.memory.exclusions(chosen, (row) => roster.keyAt(row)!.key);
  const selected = excluded.length > 0 ? withoutRows(chosen, new Set(excluded.map((e) => e.row))) : chosen;
  if (o.selection && !o.selection.within(scan.rows)) {
    throw new UsageError(`--rows ${o.rows} matches none of the ${scan.rows} data row(s) in ${stripControlsInline(csv.displayName ?? csv.file)}.`, {
      hint: `data rows are numbered 1-${scan.rows} (row 1 is the first row after the header).`,
    });
  }
  return {
    ...loaded,
    csv,
    fromStdin,
    scan,
    roster,
    selected,
    excluded,
    schema: draftSchema(profile.channel, profile.output?.fields),
    options: generationOptions(profile, { temperature: o.temperature, seed: o.seed }),
    recipients: () => filterRows(readRecipients(csv, scan), selected),
    ...rulesOf(loaded, scan.columns),
  };
}

function rulesOf(loaded: Pick<Campaign, 'profile' | 'templates' | 'ruleTemplates'>, columns: Columns): Pick<Campaign, 'rules' | 'plansReadMore'> {
  const rules = rulesStep(loaded.profile, columns, loaded.templates, loaded.ruleTemplates);
  return { ...(rules ? { rules } : {}), plansReadMore: sentimentSources(loaded.profile).length > 0 };
}

/** A rule that tests a column the CSV does not have: it reads as empty, likely a typo. */
function ruleColumnWarnings(profile: ToneProfile, columns: Columns): string[] {
  const rules = profile.rules ?? [];
  return ruleColumns(rules)
    .filter((c) => findColumn(columns, c.column) === undefined)
    .map((c) => `rules[${c.rule}] (${ruleName(rules[c.rule]!, c.rule)}) tests column \`${c.column}\`, which the CSV does not have: it reads as empty`);
}

