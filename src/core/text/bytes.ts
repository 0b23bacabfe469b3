// Sizes for people. Pure.

/** Decimal units, as `ollama list` prints them: 2.0 GB, 522 MB, 1.2 MB. */
export function formatBytes(n: number): string {
  if (!Number.isFinite(n) || n < 0) return '?';
  const units = ['B', 'KB', 'MB', 'GB', 'TB'];
  let value = n;
  let i = 0;
  while (value >= 1000 && i < units.length - 1) {
    value /= 1000;
    i++;
  }
  if (i === 0) return `${n} B`;
  return `${value >= 100 ? Math.round(value) : value.toFixed(1)} ${units[i]}`;
}
