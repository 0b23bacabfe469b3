// `draft --dry-run`: every request a run would send, written instead of sent. The rows are planned
// as a run plans them (sentiment from the memory's labels only, rules, the catalog by BM25); a
// skipped row is said, not shown; with variants, each variant's request.
import path from 'node:path';
import { resolveVariants, variantRequest } from '../core/drafting/variants.js';
import type { ToneProfile, VariantSpec } from '../core/profile.js';
import { stripControlsInline } from '../core/text/sanitize.js';
import { defaultDraftsPath } from '../io/drafts-file/drafts-path.js';
import { openOutput } from '../io/output-target.js';
import { renderDryRun } from '../ui/dry-run.js';
import type { Campaign } from './campaign-scan.js';
import { dryRunCatalogStep } from './catalog-step.js';
import type { OutputFormat } from '../io/export/record-writer.js';
import type { Ui } from '../ui/terminal.js';
import { sentMessagesOf } from './draft-jobs.js';
import { campaignPlanner, plannedRows } from './recipient-plans.js';
import { dryRunSentiment, sentimentSettings } from './sentiment-run.js';

/** The flags of `draft` the dry run reads. */
export interface DryRunOptions {
  csv: string;
  drafts?: string;
  out?: string;
  format: OutputFormat;
  /** --model: the model whose cached sentiment labels count. */
  model?: string;
  modelAnalysis?: boolean;
  variants?: number;
  temperature?: number;
}

/** The variants this run drafts, or undefined for one draft a recipient. */
export function variantsOf(profile: ToneProfile, o: Pick<DryRunOptions, 'variants' | 'temperature'>): VariantSpec[] | undefined {
  return resolveVariants(profile.variants, o.variants, o.temperature ?? profile.model.temperature);
}

export async function writeDryRun(c: Campaign, o: DryRunOptions, deps: { ui: Ui; cwd: string; stdout: NodeJS.WritableStream }): Promise<void> {
  for (const e of c.excluded) deps.ui.note(`row ${e.row} is not drafted: ${stripControlsInline(e.reason)}`);
  const draftsPath = o.drafts ? path.resolve(deps.cwd, o.drafts) : defaultDraftsPath(c.fromStdin ? null : o.csv, deps.cwd);
  // The messages a run would send: the examples and the history block included.
  const memory = { history: c.memory.historySource(c.profile, c.templates, draftsPath), examples: c.memory.exampleSource(c.profile, c.profileFile, draftsPath) };
  const messagesOf = sentMessagesOf({ ...c, columns: c.scan.columns, ...memory }, (row) => c.roster.keyAt(row)!.key);
  // Sentiment: the labels the memory holds; the requests a run would send for the others, shown.
  const sentiment = await dryRunSentiment(sentimentSettings(c, o.modelAnalysis), o.model);
  const out = await openOutput(o.out ?? '-', deps);
  try {
    // The rows' plans as a run makes them: a skipped row is said, not shown; with variants, each one's request as it would be sent.
    const variants = variantsOf(c.profile, o);
    for await (const { r, plan } of plannedRows(c.recipients(), campaignPlanner(c, { sentiment: sentiment.step, catalog: dryRunCatalogStep(c, (m) => deps.ui.note(m)) }))) {
      const analysis = sentiment.analysisOf(r);
      if (plan.skip !== undefined) deps.ui.note(`row ${r.row} is not drafted: rule ${stripControlsInline(plan.skip)}`);
      else {
        const entry = { row: r.row, ...messagesOf(r, plan), ...(plan.rules.length > 0 ? { rules: [...plan.rules] } : {}), ...(analysis.length > 0 ? { analysis } : {}), schema: c.schema, options: c.options };
        if (!variants) await out.write(renderDryRun(entry, o.format));
        else for (const [i, v] of variants.entries()) await out.write(renderDryRun({ ...variantRequest(entry, v, i), variant: v.name }, o.format));
      }
    }
  } catch (err) {
    // A half-written file never replaces the previous one.
    await out.abort();
    throw err;
  }
  await out.close();
}

