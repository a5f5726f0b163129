/** Percentiles of latency samples, in the unit given. */
export function percentiles(samples: number[], points = [50, 90, 99, 100]): Record<string, number> {
  const sorted = [...samples].sort((a, b) => a - b);
  const at = (p: number) =>
    sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? NaN;
  return Object.fromEntries(points.map((p) => [p === 100 ? 'max' : `p${p}`, at(p)]));
}

export const round = (value: number, digits = 1) => Number(value.toFixed(digits));
