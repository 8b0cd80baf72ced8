import { describe, expect, it } from 'vitest';
import { explainGoal, explainIndicator, isRate, type ExplainedIndicator, formatChange } from './plainLanguage';

const points = (...values: [string, number, boolean?][]) =>
  values.map(([period, value, breakBefore]) => ({ period, value, breakBefore: breakBefore ?? false }));

const base: ExplainedIndicator = {
  unit: '%',
  targetValue: 8,
  targetDirection: 'LOWER_IS_BETTER',
  status: 'ON_TRACK',
  series: points(['2023', 12.9], ['2024', 12.1]),
};

describe('explainIndicator', () => {
  it('tells a rate change in percentage points, and the way to the target', () => {
    expect(explainIndicator(base, 'de')).toEqual([
      '2024 lag der Wert bei 12,1 % – 0,8 Prozentpunkte weniger als 2023.',
      'Das Ziel von höchstens 8 % ist noch nicht erreicht (es fehlen 4,1 Prozentpunkte), aber die Entwicklung geht in die richtige Richtung.',
    ]);
    expect(explainIndicator(base, 'en')).toEqual([
      'In 2024 the value was 12.1 % – 0.8 percentage points less than in 2023.',
      'The target of at most 8 % has not been reached yet (4.1 percentage points to go), but things are moving in the right direction.',
    ]);
  });

  it('says one percentage point in the singular', () => {
    const one = { ...base, series: points(['2023', 13.1], ['2024', 12.1]) };
    expect(explainIndicator(one, 'de')[0]).toBe('2024 lag der Wert bei 12,1 % – 1 Prozentpunkt weniger als 2023.');
    expect(explainIndicator(one, 'en')[0]).toBe('In 2024 the value was 12.1 % – 1 percentage point less than in 2023.');
  });

  it('uses the unit itself for counts, and a rise', () => {
    const counts: ExplainedIndicator = {
      unit: 'Personen',
      targetValue: 500,
      targetDirection: 'HIGHER_IS_BETTER',
      status: 'OFF_TRACK',
      series: points(['2023', 420], ['2024', 440]),
    };
    expect(explainIndicator(counts, 'de')).toEqual([
      '2024 lag der Wert bei 440 Personen – 20 Personen mehr als 2023.',
      'Das Ziel von mindestens 500 Personen ist noch nicht erreicht (es fehlen 60 Personen), und die Entwicklung geht nicht in die richtige Richtung.',
    ]);
  });

  it('names a reached target', () => {
    const reached = { ...base, status: 'REACHED' as const, series: points(['2023', 8.4], ['2024', 7.9]) };
    expect(explainIndicator(reached, 'de')[1]).toBe('Das Ziel von höchstens 8 % ist erreicht.');
    expect(explainIndicator(reached, 'en')[1]).toBe('The target of at most 8 % has been reached.');
  });

  it('says when nothing changed', () => {
    const flat = { ...base, status: 'OFF_TRACK' as const, series: points(['2023', 10], ['2024', 10]) };
    expect(explainIndicator(flat, 'de')[0]).toBe('2024 lag der Wert bei 10 % – genauso viel wie 2023.');
  });

  it('does not compare across a series break', () => {
    const broken = { ...base, status: 'INSUFFICIENT_DATA' as const, series: points(['2023', 11], ['2024', 13, true]) };
    expect(explainIndicator(broken, 'de')).toEqual([
      '2024 lag der Wert bei 13 %; mit 2023 ist er nicht direkt vergleichbar, weil er anders erhoben wurde.',
      'Das Ziel von höchstens 8 % ist noch nicht erreicht (es fehlen 5 Prozentpunkte); ob die Entwicklung in die richtige Richtung geht, lässt sich mit so wenigen vergleichbaren Werten noch nicht sagen.',
    ]);
  });

  it('handles a single value', () => {
    const single = { ...base, status: 'INSUFFICIENT_DATA' as const, series: points(['2024-H1', 9.5]) };
    expect(explainIndicator(single, 'de')[0]).toBe('2024-H1 lag der Wert bei 9,5 %; ein früherer Wert liegt noch nicht vor.');
    expect(explainIndicator(single, 'en')[0]).toBe('In 2024-H1 the value was 9.5 %; there is no earlier value yet.');
  });

  it('watches values without a target without judging them', () => {
    const watched = { ...base, targetValue: null, targetDirection: null, status: 'NO_TARGET' as const };
    expect(explainIndicator(watched, 'de')[1]).toBe('Für diesen Wert ist kein Ziel festgelegt: Er wird beobachtet, aber nicht bewertet.');
    expect(explainIndicator(watched, 'en')[1]).toBe('No target is set for this value: it is watched but not assessed.');
  });

  it('says when there are no figures yet', () => {
    const none = { ...base, status: 'NO_DATA' as const, series: [] };
    expect(explainIndicator(none, 'de')).toEqual(['Für diesen Indikator liegen noch keine Zahlen vor.']);
    expect(explainIndicator(none, 'en')).toEqual(['There are no figures for this indicator yet.']);
  });

  it('rounds differences as shown and leaves out an empty unit', () => {
    const plain = { ...base, unit: '', targetValue: null, targetDirection: null, status: 'NO_TARGET' as const, series: points(['2023', 0.3], ['2024', 0.1]) };
    expect(explainIndicator(plain, 'de')[0]).toBe('2024 lag der Wert bei 0,1 – 0,2 weniger als 2023.');
  });
});

describe('isRate', () => {
  it('knows rates and shares', () => {
    expect(isRate('%')).toBe(true);
    expect(isRate(' Prozent')).toBe(true);
    expect(isRate('percent')).toBe(true);
    expect(isRate('Personen')).toBe(false);
    expect(isRate('je 1.000 Einwohner')).toBe(false);
  });
});

describe('explainGoal', () => {
  it('says what each status means for a goal, in both languages', () => {
    const one = [{}];
    expect(explainGoal({ status: 'ON_TRACK', indicators: one }, 'de')).toBe(
      'Dieses Ziel ist noch nicht erreicht, aber seine Indikatoren entwickeln sich in die richtige Richtung.',
    );
    expect(explainGoal({ status: 'OFF_TRACK', indicators: one }, 'en')).toBe(
      'For this goal, at least one indicator is not moving in the right direction.',
    );
    for (const status of ['REACHED', 'INSUFFICIENT_DATA', 'NO_TARGET', 'NO_DATA'] as const) {
      expect(explainGoal({ status, indicators: one }, 'de')).not.toBe(explainGoal({ status: 'ON_TRACK', indicators: one }, 'de'));
    }
  });

  it('tells a goal without indicators from one without figures', () => {
    expect(explainGoal({ status: 'NO_DATA', indicators: [] }, 'de')).toBe('Dieses Ziel wird noch nicht mit Zahlen beobachtet.');
    expect(explainGoal({ status: 'NO_DATA', indicators: [{}] }, 'de')).toBe('Für dieses Ziel liegen noch keine Zahlen vor.');
  });
});

describe('changes with their sign and unit', () => {
  it('counts rates in percentage points', () => {
    expect(formatChange(0.8, '%', 'de')).toBe('+0,8 Prozentpunkte');
    expect(formatChange(-1, 'Prozent', 'de')).toBe('−1 Prozentpunkt');
    expect(formatChange(0.25, '%', 'en')).toBe('+0.25 percentage points');
  });
  it('keeps other units', () => {
    expect(formatChange(-120, 'Personen', 'de')).toBe('−120 Personen');
    expect(formatChange(0, '', 'de')).toBe('±0');
  });
});
