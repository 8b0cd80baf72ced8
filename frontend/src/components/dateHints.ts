//! Plausibility of an entered date: far from today is probably a typo (2207 for 2027).

/** How far from today a date may lie before the form asks to check it. */
const FUTURE_YEARS = 5;
const PAST_YEARS = 2;

export interface FarOff {
  kind: 'farFuture' | 'farPast';
  years: number;
}

/** A hint for a `YYYY-MM-DD` date more than a few years from `now`, else null. */
export function farOff(iso: string, now: Date): FarOff | null {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(iso);
  if (!m) return null;
  const date = Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]));
  const today = Date.UTC(now.getFullYear(), now.getMonth(), now.getDate());
  const years = (date - today) / (365.25 * 24 * 3600 * 1000);
  if (years > FUTURE_YEARS) return { kind: 'farFuture', years: Math.floor(years) };
  if (years < -PAST_YEARS) return { kind: 'farPast', years: Math.floor(-years) };
  return null;
}
