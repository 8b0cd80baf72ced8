import { describe, expect, it } from 'vitest';
import { classesOf, classOf, extremes, PALETTE } from './classes';

describe('district map classes', () => {
  it('splits the range into equal intervals with distinct colours', () => {
    const c = classesOf([0, 10, 20, 30, 40, 50]);
    expect(c).toHaveLength(5);
    expect(c[0]).toMatchObject({ from: 0, to: 10, colour: PALETTE[0] });
    expect(c[4]).toMatchObject({ from: 40, to: 50, colour: PALETTE[4] });
    expect(new Set(c.map((x) => x.colour)).size).toBe(5);
  });

  it('uses fewer classes for few distinct values, spread over the palette', () => {
    const c = classesOf([1, 1, 3]);
    expect(c).toHaveLength(2);
    expect(c.map((x) => x.colour)).toEqual([PALETTE[0], PALETTE[4]]);
    expect(classesOf([7, 7])).toEqual([{ from: 7, to: 7, colour: PALETTE[4] }]);
    expect(classesOf([])).toEqual([]);
  });

  it('puts each value in its class', () => {
    const c = classesOf([0, 50]);
    expect(classOf(0, c)).toBe(c[0]);
    expect(classOf(50, c)).toBe(c[c.length - 1]);
  });

  it('names the highest and lowest shown value, hidden ones left out', () => {
    const e = extremes([
      { code: '01', category: 'Mitte', value: null },
      { code: '02', category: 'Nord', value: 26 },
      { code: '03', category: 'Süd', value: 4 },
    ]);
    expect(e?.max.category).toBe('Nord');
    expect(e?.min.category).toBe('Süd');
    expect(extremes([{ code: '01', category: 'Mitte', value: null }])).toBeUndefined();
  });
});
