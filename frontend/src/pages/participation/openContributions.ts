/** The number of undecided contributions a refused adoption names (CONFLICT with `details.openContributions`). */
import { errorsOf } from '../../lib/errors';

/** How many contributions are still undecided, if `error` is that refusal; otherwise undefined. */
export function openContributionsOf(error: unknown): number | undefined {
  for (const e of errorsOf(error)) {
    const n = e.details?.openContributions;
    if (e.code === 'CONFLICT' && typeof n === 'number' && n > 0) return n;
  }
  return undefined;
}
