// Which angle works: per variant name, how many recipients were offered it and how many had it
// approved (`status`, `stats`). A recipient counts for every variant of its latest model draft;
// an approval counts for the one variant it names. Pure.

export interface VariantRate {
  name: string;
  /** Recipients whose latest draft offered this variant. */
  drafted: number;
  /** Of those, the ones approved with this variant. */
  approved: number;
}

/** Adds one recipient: its draft's variant names, and the 1-based variant approved (if any). */
export function countVariants(rates: Map<string, VariantRate>, names: readonly string[], approved: number | undefined): void {
  names.forEach((name, i) => {
    let rate = rates.get(name);
    if (!rate) rates.set(name, (rate = { name, drafted: 0, approved: 0 }));
    rate.drafted++;
    if (approved === i + 1) rate.approved++;
  });
}

/** `short 6/10 approved (60%)`: the variant's approvals over the recipients offered it. */
export function renderVariantRate(r: VariantRate): string {
  const share = r.drafted > 0 ? Math.round((100 * r.approved) / r.drafted) : 0;
  return `${r.name} ${r.approved}/${r.drafted} approved (${share}%)`;
}
