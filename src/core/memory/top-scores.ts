// The best few of many scored items, for the memory's example search: exact and deterministic
// (score descending, then index ascending), in linear time plus a sort of the few. Pure.

/** The `limit` best slots: score descending, then id ascending (slots are in id order). */
export function topSlots(scores: Float64Array, slots: number[], limit: number): number[] {
  let chosen = slots;
  if (slots.length > limit) {
    // The limit-th best score, in linear time; then all above it and the lowest ids of those on it.
    const values = new Float64Array(slots.length);
    for (let i = 0; i < slots.length; i++) values[i] = scores[slots[i]!]!;
    const threshold = kthLargest(values, limit);
    const above: number[] = [];
    const ties: number[] = [];
    for (const s of slots) {
      const v = scores[s]!;
      if (v > threshold) above.push(s);
      else if (v === threshold) ties.push(s);
    }
    chosen = above.concat(ties.sort((a, b) => a - b).slice(0, limit - above.length));
  }
  return chosen.sort((a, b) => scores[b]! - scores[a]! || a - b);
}

/** The k-th largest value (1-based) of `values`, which it reorders (Hoare's quickselect). */
export function kthLargest(values: Float64Array, k: number): number {
  let lo = 0;
  let hi = values.length - 1;
  const target = k - 1;
  while (lo < hi) {
    const pivot = values[(lo + hi) >>> 1]!;
    let i = lo;
    let j = hi;
    while (i <= j) {
      while (values[i]! > pivot) i++;
      while (values[j]! < pivot) j--;
      if (i <= j) {
        const t = values[i]!;
        values[i++] = values[j]!;
        values[j--] = t;
      }
    }
    if (target <= j) hi = j;
    else if (target >= i) lo = i;
    else break;
  }
  return values[target]!;
}

/**
 * The `limit` best of the first `count` slots in `slots` (any order): score descending, then slot
 * ascending, as topSlots orders them. One pass keeping the few best (limit is a few dozen at
 * most), no allocation per slot: this runs once per drafted row over thousands of slots.
 */
export function bestSlots(scores: Float64Array, slots: Int32Array, count: number, limit: number): number[] {
  const best: number[] = [];
  if (limit <= 0) return best;
  for (let t = 0; t < count; t++) {
    const s = slots[t]!;
    const v = scores[s]!;
    if (best.length === limit) {
      const last = best[limit - 1]!;
      const w = scores[last]!;
      if (v < w || (v === w && s > last)) continue;
      best.pop();
    }
    let i = best.length;
    while (i > 0) {
      const o = best[i - 1]!;
      const ov = scores[o]!;
      if (ov > v || (ov === v && o < s)) break;
      i--;
    }
    best.splice(i, 0, s);
  }
  return best;
}
