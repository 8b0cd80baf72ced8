import { describe, expect, it } from 'vitest';
import { formatDate, formatDateTime, formatNumber, formatPercent } from './format';

const nbsp = (s: string) => s.replace(/\u00a0|\u202f/g, ' ');

describe('format', () => {
  it('formats dates the German way by default', () => {
    expect(formatDate('2026-11-24T10:00:00Z', 'de')).toBe('24.11.2026');
    expect(formatDate(new Date(2026, 0, 5), 'de')).toBe('05.01.2026');
  });

  it('formats dates for English', () => {
    expect(formatDate(new Date(2026, 10, 24), 'en')).toBe('24/11/2026');
  });

  it('formats date and time', () => {
    expect(formatDateTime(new Date(2026, 10, 24, 14, 5), 'de')).toBe('24.11.2026, 14:05');
  });

  it('formats shares as percent with a comma and a space in German', () => {
    expect(nbsp(formatPercent(0.415, 'de'))).toBe('41,5 %');
    expect(nbsp(formatPercent(0.415, 'en'))).toBe('41.5%');
    expect(nbsp(formatPercent(1, 'de'))).toBe('100 %');
  });

  it('formats numbers with German separators', () => {
    expect(formatNumber(12345.678, 'de')).toBe('12.345,68');
    expect(formatNumber(12345.678, 'en')).toBe('12,345.68');
  });
});
