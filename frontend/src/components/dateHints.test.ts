import { describe, expect, it } from 'vitest';
import { farOff } from './dateHints';

describe('far-off dates', () => {
  const now = new Date(2026, 11, 5);
  it('accepts dates within a few years', () => {
    expect(farOff('2027-02-15', now)).toBeNull();
    expect(farOff('2031-12-01', now)).toBeNull();
    expect(farOff('2025-01-01', now)).toBeNull();
  });
  it('asks to check a date far in the future or the past', () => {
    expect(farOff('2207-02-15', now)).toEqual({ kind: 'farFuture', years: 180 });
    expect(farOff('2020-02-15', now)).toEqual({ kind: 'farPast', years: 6 });
  });
  it('ignores what is not a date', () => {
    expect(farOff('', now)).toBeNull();
    expect(farOff('15.02.2027', now)).toBeNull();
  });
});
