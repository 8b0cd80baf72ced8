import { useEffect, useState } from 'react';
import type { TallyPartsFragment } from '../../gql/graphql';
import { subscribe } from '../../lib/subscriptions';
import { TallySubscription } from './operations';

/**
 * The proposal's tally, kept current by the `tallyChanged` subscription while `live` (voting
 * open and the tally visible to the asker).
 */
export function useLiveTally(
  proposalId: string,
  initial: TallyPartsFragment | null | undefined,
  live: boolean,
): TallyPartsFragment | null {
  const [pushed, setPushed] = useState<{ from: unknown; tally: TallyPartsFragment } | null>(null);
  useEffect(() => {
    if (!live) return;
    return subscribe(TallySubscription, { proposalId }, (d) => setPushed({ from: initial, tally: d.tallyChanged }));
  }, [proposalId, live, initial]);
  // A newer query result replaces what was pushed before it.
  if (pushed && pushed.from === initial) return pushed.tally;
  return initial ?? null;
}
