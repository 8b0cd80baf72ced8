import { describe, expect, it } from 'vitest';
import { dayStart, isoDay, phasesFrom } from './phases';

describe('phases', () => {
  it('chains the four phases from five boundaries', () => {
    const days = ['2026-03-02', '2026-04-01', '2026-05-01', '2026-05-15', '2026-06-30'];
    const p = phasesFrom(days);
    expect(p.map((x) => x.kind)).toEqual(['DRAFTING', 'CONSULTATION', 'VOTING', 'RESOLUTION']);
    expect(p[1]?.startsAt).toBe(p[0]?.endsAt);
    expect(p[3]?.endsAt).toBe(dayStart('2026-06-30'));
  });
  it('formats a local day', () => {
    expect(isoDay(new Date(2026, 0, 5))).toBe('2026-01-05');
  });
});
