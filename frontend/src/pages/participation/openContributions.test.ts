import { describe, expect, it } from 'vitest';
import { RequestError } from '../../lib/client';
import { openContributionsOf } from './openContributions';

describe('openContributionsOf', () => {
  it('reads the count of a refused adoption', () => {
    const e = new RequestError([{ code: 'CONFLICT', message: 'x', details: { openContributions: 7, ids: [] } }]);
    expect(openContributionsOf(e)).toBe(7);
  });
  it('ignores other conflicts and errors', () => {
    expect(openContributionsOf(new RequestError([{ code: 'CONFLICT', message: 'advanced meanwhile' }]))).toBeUndefined();
    expect(openContributionsOf(new RequestError([{ code: 'FORBIDDEN', message: 'x' }]))).toBeUndefined();
    expect(openContributionsOf(undefined)).toBeUndefined();
  });
});
