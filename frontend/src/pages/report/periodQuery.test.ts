import { describe, expect, it } from 'vitest';
import { periodQuery } from './ReportPage';

describe('periodQuery', () => {
  it('leaves out empty parts', () => {
    expect(periodQuery('', '')).toBe('');
    expect(periodQuery('2023', '')).toBe('?from=2023');
    expect(periodQuery('', '2025')).toBe('?to=2025');
  });

  it('encodes both ends', () => {
    expect(periodQuery('2023', '2025-Q4')).toBe('?from=2023&to=2025-Q4');
  });
});
