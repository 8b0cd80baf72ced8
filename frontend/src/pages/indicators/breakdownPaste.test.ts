import { describe, expect, it } from 'vitest';
import { parsePastedRows, parseSheetNumber } from './breakdownPaste';

describe('numbers from a spreadsheet', () => {
  it('reads German decimal commas and thousands dots', () => {
    expect(parseSheetNumber('12,5')).toBe(12.5);
    expect(parseSheetNumber('1.234,5')).toBe(1234.5);
    expect(parseSheetNumber('1.234')).toBe(1234);
    expect(parseSheetNumber('-0,75')).toBe(-0.75);
    expect(parseSheetNumber(' 3 %')).toBe(3);
    expect(parseSheetNumber('12.5')).toBe(12.5);
  });
  it('refuses what is not a number', () => {
    expect(parseSheetNumber('')).toBeNaN();
    expect(parseSheetNumber('k. A.')).toBeNaN();
    expect(parseSheetNumber('1,2,3')).toBeNaN();
  });
});

describe('pasted breakdown rows', () => {
  it('reads tab-separated lines with a header', () => {
    const text = 'Merkmal\tAusprägung\tWert\r\nGeschlecht\tweiblich\t12,5\r\nGeschlecht\tmännlich\t10,1\r\n';
    expect(parsePastedRows(text)).toEqual({
      rows: [
        { dimension: 'Geschlecht', category: 'weiblich', value: 12.5 },
        { dimension: 'Geschlecht', category: 'männlich', value: 10.1 },
      ],
      badLines: [],
    });
  });
  it('keeps the dimension of a merged cell and reads semicolons', () => {
    const text = 'Alter;unter 18;1.204\n;18 bis 64;3.456,0\n';
    expect(parsePastedRows(text).rows).toEqual([
      { dimension: 'Alter', category: 'unter 18', value: 1204 },
      { dimension: 'Alter', category: '18 bis 64', value: 3456 },
    ]);
  });
  it('names the lines it could not read', () => {
    const text = 'Geschlecht\tweiblich\t12,5\nGeschlecht\tdivers\tk. A.\n\nnur ein Wort\n';
    const got = parsePastedRows(text);
    expect(got.rows).toHaveLength(1);
    expect(got.badLines).toEqual([2, 4]);
  });
});
