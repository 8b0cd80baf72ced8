// Pure helpers of the district map: classes of values, their colours and the summary sentence.

/** A district's value in one period: `value` null when a public view hides it ("•"). */
export interface DistrictValue {
  code: string;
  category: string;
  value: number | null;
}

/**
 * Five sequential blues (ColorBrewer "Blues", safe for every common colour-vision deficiency
 * and in greyscale print); the map never relies on colour alone: the table beside it carries
 * every value.
 */
export const PALETTE = ['#eff3ff', '#bdd7e7', '#6baed6', '#3182bd', '#08519c'] as const;

export interface ClassBreak {
  from: number;
  to: number;
  colour: string;
}

/** Equal-interval classes over the shown values (fewer when there are fewer distinct values). */
export function classesOf(values: number[], count = PALETTE.length): ClassBreak[] {
  const shown = values.filter((v) => Number.isFinite(v));
  if (shown.length === 0) return [];
  const lo = Math.min(...shown);
  const hi = Math.max(...shown);
  const distinct = new Set(shown).size;
  const n = Math.max(1, Math.min(count, distinct));
  if (hi === lo) return [{ from: lo, to: hi, colour: PALETTE[PALETTE.length - 1]! }];
  const step = (hi - lo) / n;
  // Spread the used colours over the whole palette so that two classes never look alike.
  const colourAt = (i: number) => PALETTE[n === 1 ? PALETTE.length - 1 : Math.round((i * (PALETTE.length - 1)) / (n - 1))]!;
  return Array.from({ length: n }, (_, i) => ({
    from: lo + i * step,
    to: i === n - 1 ? hi : lo + (i + 1) * step,
    colour: colourAt(i),
  }));
}

/** The class a value falls into (the upper bound belongs to the lower class, the last is closed). */
export function classOf(value: number, classes: ClassBreak[]): ClassBreak | undefined {
  return classes.find((c, i) => value <= c.to || i === classes.length - 1);
}

/** The highest and lowest shown value with their districts. */
export function extremes(values: DistrictValue[]): { max: DistrictValue; min: DistrictValue } | undefined {
  const shown = values.filter((v): v is DistrictValue & { value: number } => v.value != null);
  if (shown.length === 0) return undefined;
  const sorted = [...shown].sort((a, b) => b.value - a.value);
  return { max: sorted[0]!, min: sorted[sorted.length - 1]! };
}
