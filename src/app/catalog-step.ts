// The catalog's part of a recipient's plan (issue 13 §3): the profile's `catalog:` read and checked
// when the run starts (its content goes into the run digest, so a changed catalog redrafts), and a
// plan step that picks each chunk's top K items (profile catalog_picks) for what the model may see
// of each recipient (their sent columns, never a private one). Ranked by embeddings when the profile
// names model.embed (the engine's embed(), every text asked once: the memory's analysis cache), else
// by BM25. The search opens on the first chunk: a run whose rows are all settled asks nothing.
import { catalogPicks, type ToneProfile } from '../core/profile.js';
import type { CatalogItem } from '../core/catalog/items.js';
import { recipientText, type PickMethod } from '../core/catalog/pick.js';
import { runDigest } from '../core/drafting/fingerprint.js';
import { sentData } from '../core/drafting/recipient-data.js';
import type { Engine } from '../core/engine.js';
import type { Columns } from '../core/recipients/recipients.js';
import type { CatalogSearch } from '../io/catalog-search.js';
import type { AnalysisCache } from '../io/memory/analysis-cache.js';
import type { PlanStep } from './recipient-plans.js';

/** The profile's catalog as this run read it. */
export interface LoadedCatalog {
  items: CatalogItem[];
  /** Absolute path. */
  file: string;
  /** sha256 of the items as read (for the run digest). */
  digest: string;
}

/** The catalog the profile names (relative to its folder), or undefined without one. Throws InputError. */
export async function loadCatalog(profile: Pick<ToneProfile, 'catalog'>, profileDir: string): Promise<LoadedCatalog | undefined> {
  if (profile.catalog === undefined) return undefined;
  // Loaded only for a profile with a catalog, like the search below: a plain `draft` starts as before.
  const { readCatalog } = await import('../io/catalog-file.js');
  const { items, file } = await readCatalog(profile.catalog, profileDir);
  return { items, file, digest: runDigest({ items }) };
}

/** How this run ranks: by embeddings when the profile names model.embed and the engine can embed, else BM25. */
function embedModel(profile: ToneProfile, engine: Pick<Engine, 'embed'>): string | undefined {
  return profile.model.embed !== undefined && engine.embed ? profile.model.embed : undefined;
}

/** The catalog's part of the run digest: its content and how it is ranked (other picks, other prompts). */
export function catalogDigest(catalog: LoadedCatalog, profile: ToneProfile, engine: Pick<Engine, 'embed'>): { digest: string; method: PickMethod; model?: string } {
  const model = embedModel(profile, engine);
  return { digest: catalog.digest, ...(model !== undefined ? { method: 'embeddings', model } : { method: 'bm25' }) };
}

/** What the step needs besides the catalog. */
export interface CatalogStepSettings {
  profile: ToneProfile;
  columns: Columns;
  /** The drafting engine: its embed() ranks by embeddings when the profile names model.embed. */
  engine: Pick<Engine, 'embed'>;
  /** The memory's analysis cache (opened on the first chunk), for embeddings; in this process only without it. */
  cache?: () => Promise<AnalysisCache>;
}

/**
 * The catalog's part of a campaign's planner (app/recipient-plans.ts campaignPlanner): its step,
 * and its content and ranking for the run digest (a changed catalog redrafts). {} without a catalog.
 */
export function catalogPlanning(c: Parameters<typeof campaignCatalogStep>[0], engine: Pick<Engine, 'embed'>): { catalog?: PlanStep; digest?: Record<string, unknown> } {
  const step = campaignCatalogStep(c, engine);
  return step && c.catalog ? { catalog: step, digest: { catalog: catalogDigest(c.catalog, c.profile, engine) } } : {};
}

/** The catalog step of a campaign whose profile names a catalog (app/recipient-plans.ts campaignPlanner). */
export function campaignCatalogStep(
  c: { catalog?: LoadedCatalog; profile: ToneProfile; scan: { columns: Columns }; memory?: { analysisCache(): Promise<AnalysisCache> } },
  engine: Pick<Engine, 'embed'>,
): PlanStep | undefined {
  const memory = c.memory;
  return c.catalog ? catalogStep(c.catalog, { profile: c.profile, columns: c.scan.columns, engine, ...(memory ? { cache: () => memory.analysisCache() } : {}) }) : undefined;
}

/** A dry run sends nothing, embedding requests included: its picks are BM25's, and it says so (`note`). */
export function dryRunCatalogStep(c: Parameters<typeof campaignCatalogStep>[0], note: (message: string) => void): PlanStep | undefined {
  const embed = c.profile.model.embed;
  if (c.catalog && embed !== undefined) note(`dry run: the catalog is ranked by BM25 here; a run ranks it by model.embed's embeddings (${embed}), which a dry run does not ask for`);
  return campaignCatalogStep(c, {});
}

/** A plan step: each row's picks into its plan (rows a rule skips are not asked about). */
export function catalogStep(catalog: LoadedCatalog, s: CatalogStepSettings): PlanStep {
  const model = embedModel(s.profile, s.engine);
  const byId = new Map(catalog.items.map((item) => [item.id, item]));
  const k = catalogPicks(s.profile);
  let search: Promise<CatalogSearch> | undefined;
  const open = async (signal?: AbortSignal): Promise<CatalogSearch> => {
    const { openCatalogSearch } = await import('../io/catalog-search.js');
    if (model === undefined || !s.engine.embed) return openCatalogSearch(catalog.items);
    const [{ cachedEmbed }, { AnalysisCache }] = await Promise.all([import('../io/cached-embed.js'), import('../io/memory/analysis-cache.js')]);
    const cache = s.cache ? await s.cache() : AnalysisCache.inProcess();
    const embed = cachedEmbed(s.engine.embed.bind(s.engine), cache, model);
    return openCatalogSearch(catalog.items, embed, signal);
  };
  return async (rows, plans, signal) => {
    const asked = rows.filter((r) => plans.get(r.row)?.skip === undefined);
    if (asked.length === 0) return;
    search ??= open(signal);
    // A failed opening (the embedding server down) fails this run, not the next chunk's with a stale promise.
    const opened = await search.catch((err: unknown) => {
      search = undefined;
      throw err;
    });
    const texts = asked.map((r) => recipientText(sentData(s.profile, r, s.columns)));
    const picks = await opened.pickAll(texts, k, signal);
    asked.forEach((r, i) => {
      const plan = plans.get(r.row);
      if (!plan) return;
      plan.catalog = {
        method: opened.method,
        ...(model !== undefined ? { model } : {}),
        picks: picks[i]!.map((p) => ({ ...p, item: byId.get(p.id)! })),
      };
    });
  };
}
