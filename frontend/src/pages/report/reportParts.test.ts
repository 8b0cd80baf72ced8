import { describe, expect, it } from 'vitest';
import { normalizeError, RequestError } from '../../lib/client';
import { byDimension } from './BreakdownChart';
import { conflictOf } from './FieldText';
import { groupChanges } from './ReportChangesPage';
import { latestBreakdown } from './ReportDocument';

describe('report parts', () => {
  it('groups a breakdown by dimension in delivered order', () => {
    const groups = byDimension([
      { dimension: 'Stadtteil', category: 'Nord', value: 1 },
      { dimension: 'Geschlecht', category: 'weiblich', value: 2 },
      { dimension: 'Stadtteil', category: 'Süd', value: 3 },
    ]);
    expect(groups.map(([d, items]) => [d, items.map((i) => i.category)])).toEqual([
      ['Stadtteil', ['Nord', 'Süd']],
      ['Geschlecht', ['weiblich']],
    ]);
  });

  it('finds the latest value with a breakdown', () => {
    const series = [
      { period: '2022', breakdown: [1] },
      { period: '2023', breakdown: [2] },
      { period: '2024', breakdown: [] },
    ];
    expect(latestBreakdown(series)?.period).toBe('2023');
    expect(latestBreakdown([{ period: '2024', breakdown: [] }])).toBeUndefined();
  });

  it('groups changes by kind in a fixed order, leaving out empty kinds', () => {
    const groups = groupChanges([
      { kind: 'DELIVERY_LATE' as const, message: 'a' },
      { kind: 'INDICATOR_ADDED' as const, message: 'b' },
      { kind: 'DELIVERY_LATE' as const, message: 'c' },
      { kind: 'VALUE_ADDED' as const, message: 'd' },
      { kind: 'GOAL_STATUS_CHANGED' as const, message: 'e' },
    ]);
    expect(groups.map(([k, items]) => [k, items.length])).toEqual([
      ['GOAL_STATUS_CHANGED', 1],
      ['VALUE_ADDED', 1],
      ['INDICATOR_ADDED', 1],
      ['DELIVERY_LATE', 2],
    ]);
  });

  it('reads the current text of a conflicting save', () => {
    const error = new RequestError([
      { code: 'CONFLICT', message: 'changed', details: { currentText: 'Neu', currentVersion: 3 } },
    ]);
    expect(conflictOf(error)).toEqual({ text: 'Neu', version: 3 });
    expect(conflictOf(new RequestError([{ code: 'FORBIDDEN', message: 'no' }]))).toBeNull();
    expect(conflictOf(new Error('x'))).toBeNull();
  });

  it('keeps the details the server sends with an error', () => {
    const e = normalizeError({
      message: 'changed',
      extensions: { code: 'CONFLICT', details: { currentText: 'Neu', currentVersion: 2 } },
    });
    expect(conflictOf(new RequestError([e]))).toEqual({ text: 'Neu', version: 2 });
  });
});
