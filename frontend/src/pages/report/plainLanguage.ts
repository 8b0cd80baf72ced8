/**
 * What an indicator's figures mean, in one or two sentences a citizen understands: the latest
 * value, the change since the previous period in the right unit (percentage points for rates),
 * where it stands against the target, and the status. A pure function, so that its many cases are
 * unit-tested; German and English.
 */
import type { GoalStatus, TargetDirection } from '../../gql/graphql';
import { formatNumber } from '../../lib/format';

export interface ExplainedIndicator {
  unit: string;
  targetValue: number | null;
  targetDirection: TargetDirection | null;
  status: GoalStatus;
  series: { period: string; value: number; breakBefore: boolean }[];
}

/** Rates and shares change by percentage points, not by percent. */
export function isRate(unit: string): boolean {
  const u = unit.trim().toLowerCase();
  return u === '%' || u.startsWith('prozent') || u.startsWith('percent');
}

const WORDS = {
  de: {
    noData: 'Für diesen Indikator liegen noch keine Zahlen vor.',
    latest: (period: string, value: string) => `${period} lag der Wert bei ${value}`,
    more: (diff: string, previous: string) => ` – ${diff} mehr als ${previous}.`,
    less: (diff: string, previous: string) => ` – ${diff} weniger als ${previous}.`,
    same: (previous: string) => ` – genauso viel wie ${previous}.`,
    first: '; ein früherer Wert liegt noch nicht vor.',
    break: (previous: string) => `; mit ${previous} ist er nicht direkt vergleichbar, weil er anders erhoben wurde.`,
    points: (n: number) => (n === 1 ? 'Prozentpunkt' : 'Prozentpunkte'),
    target: (bound: 'min' | 'max', value: string) => `Das Ziel von ${bound === 'min' ? 'mindestens' : 'höchstens'} ${value}`,
    reached: ' ist erreicht.',
    missing: (gap: string) => ` ist noch nicht erreicht (es fehlen ${gap})`,
    onTrack: ', aber die Entwicklung geht in die richtige Richtung.',
    offTrack: ', und die Entwicklung geht nicht in die richtige Richtung.',
    tooFew: '; ob die Entwicklung in die richtige Richtung geht, lässt sich mit so wenigen vergleichbaren Werten noch nicht sagen.',
    noTarget: 'Für diesen Wert ist kein Ziel festgelegt: Er wird beobachtet, aber nicht bewertet.',
  },
  en: {
    noData: 'There are no figures for this indicator yet.',
    latest: (period: string, value: string) => `In ${period} the value was ${value}`,
    more: (diff: string, previous: string) => ` – ${diff} more than in ${previous}.`,
    less: (diff: string, previous: string) => ` – ${diff} less than in ${previous}.`,
    same: (previous: string) => ` – the same as in ${previous}.`,
    first: '; there is no earlier value yet.',
    break: (previous: string) => `; it cannot be compared directly with ${previous} because it was measured differently.`,
    points: (n: number) => (n === 1 ? 'percentage point' : 'percentage points'),
    target: (bound: 'min' | 'max', value: string) => `The target of ${bound === 'min' ? 'at least' : 'at most'} ${value}`,
    reached: ' has been reached.',
    missing: (gap: string) => ` has not been reached yet (${gap} to go)`,
    onTrack: ', but things are moving in the right direction.',
    offTrack: ', and things are not moving in the right direction.',
    tooFew: '; with so few comparable values it is too early to say whether things are moving in the right direction.',
    noTarget: 'No target is set for this value: it is watched but not assessed.',
  },
};

/**
 * A change between two values with its sign, in the right unit: "+0,8 Prozentpunkte" for rates
 * (never "%", which would read as a relative change), "−120 Personen" otherwise.
 */
export function formatChange(d: number, unit: string, lang: string): string {
  const w = lang.startsWith('en') ? WORDS.en : WORDS.de;
  const shown = Math.round(Math.abs(d) * 100) / 100;
  const sign = shown === 0 ? '±' : d > 0 ? '+' : '−';
  const u = unit.trim();
  const suffix = isRate(unit) ? ` ${w.points(shown)}` : u ? ` ${u}` : '';
  return `${sign}${formatNumber(shown, lang)}${suffix}`;
}

/** The sentences for `ind` in `lang` (`de` or `en`). */
export function explainIndicator(ind: ExplainedIndicator, lang: string): string[] {
  const w = lang.startsWith('en') ? WORDS.en : WORDS.de;
  const rate = isRate(ind.unit);
  const unit = ind.unit.trim();
  const amount = (v: number) => (unit ? `${formatNumber(v, lang)} ${unit}` : formatNumber(v, lang));
  // A difference: rounded as shown, so that "0,8" never reads 0.7999999.
  const difference = (d: number) => {
    const shown = Math.round(Math.abs(d) * 100) / 100;
    return rate ? `${formatNumber(shown, lang)} ${w.points(shown)}` : amount(shown);
  };
  const last = ind.series[ind.series.length - 1];
  if (!last) return [w.noData];
  const previous = ind.series[ind.series.length - 2];
  let first = w.latest(last.period, amount(last.value));
  if (!previous) first += w.first;
  else if (last.breakBefore) first += w.break(previous.period);
  else {
    const d = Math.round((last.value - previous.value) * 100) / 100;
    first += d > 0 ? w.more(difference(d), previous.period) : d < 0 ? w.less(difference(d), previous.period) : w.same(previous.period);
  }
  const { targetValue: target, targetDirection: direction } = ind;
  if (target == null || direction == null || ind.status === 'NO_TARGET') return [first, w.noTarget];
  const bound = direction === 'HIGHER_IS_BETTER' ? 'min' : 'max';
  let second = w.target(bound, amount(target));
  if (ind.status === 'REACHED') return [first, second + w.reached];
  second += w.missing(difference(target - last.value));
  if (ind.status === 'ON_TRACK') second += w.onTrack;
  else if (ind.status === 'OFF_TRACK') second += w.offTrack;
  else second += w.tooFew;
  return [first, second];
}

const GOAL_WORDS: Record<'de' | 'en', Record<GoalStatus | 'NO_INDICATOR', string>> = {
  de: {
    REACHED: 'Dieses Ziel ist erreicht: Jeder seiner Indikatoren mit Zielwert hat ihn erreicht.',
    ON_TRACK: 'Dieses Ziel ist noch nicht erreicht, aber seine Indikatoren entwickeln sich in die richtige Richtung.',
    OFF_TRACK: 'Bei diesem Ziel entwickelt sich mindestens ein Indikator nicht in die richtige Richtung.',
    INSUFFICIENT_DATA: 'Ob dieses Ziel auf gutem Weg ist, lässt sich mit so wenigen vergleichbaren Werten noch nicht sagen.',
    NO_TARGET: 'Für dieses Ziel ist kein Zielwert festgelegt: Seine Zahlen werden beobachtet, aber nicht bewertet.',
    NO_DATA: 'Für dieses Ziel liegen noch keine Zahlen vor.',
    NO_INDICATOR: 'Dieses Ziel wird noch nicht mit Zahlen beobachtet.',
  },
  en: {
    REACHED: 'This goal has been reached: each of its indicators with a target has reached it.',
    ON_TRACK: 'This goal has not been reached yet, but its indicators are moving in the right direction.',
    OFF_TRACK: 'For this goal, at least one indicator is not moving in the right direction.',
    INSUFFICIENT_DATA: 'With so few comparable values it is too early to say whether this goal is on track.',
    NO_TARGET: 'No target is set for this goal: its figures are watched but not assessed.',
    NO_DATA: 'There are no figures for this goal yet.',
    NO_INDICATOR: 'This goal is not yet observed with figures.',
  },
};

/** One sentence on a goal's status, for the public pages. */
export function explainGoal(goal: { status: GoalStatus; indicators: unknown[] }, lang: string): string {
  const w = lang.startsWith('en') ? GOAL_WORDS.en : GOAL_WORDS.de;
  return goal.indicators.length === 0 ? w.NO_INDICATOR : w[goal.status];
}
