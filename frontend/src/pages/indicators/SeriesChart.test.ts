import { describe, expect, it } from 'vitest';
import { parseDecimal } from './ConfirmDeliveryForm';
import { axisPeriods, segments, ticks } from './SeriesChart';

describe('series chart', () => {
  it('starts a new line at every series break', () => {
    const p = (period: string, breakBefore = false) => ({ period, breakBefore });
    const runs = segments([p('2021'), p('2022'), p('2023', true), p('2024'), p('2025', true)]);
    expect(runs.map((r) => r.map((x) => x.period))).toEqual([['2021', '2022'], ['2023', '2024'], ['2025']]);
  });

  it('spans the values with round ticks', () => {
    const t = ticks(2.4, 3);
    expect(t[0]).toBeLessThanOrEqual(2.4);
    expect(t[t.length - 1]).toBeGreaterThanOrEqual(3);
    expect(ticks(5, 5).length).toBeGreaterThan(1);
  });

  it('puts comparison periods on the same axis', () => {
    const nrw = { label: 'NRW', values: [{ period: '2020', value: 1 }, { period: '2022', value: 2 }] };
    expect(axisPeriods(['2022', '2021'], [nrw])).toEqual(['2020', '2021', '2022']);
  });

  it('reads German and English decimals', () => {
    expect(parseDecimal('12,5')).toBe(12.5);
    expect(parseDecimal('12.5')).toBe(12.5);
    expect(parseDecimal('')).toBeNaN();
    expect(parseDecimal('abc')).toBeNaN();
  });
});
