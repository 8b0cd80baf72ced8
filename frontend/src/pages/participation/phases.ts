import type { PhaseKind } from '../../gql/graphql';

export const PHASES: PhaseKind[] = ['DRAFTING', 'CONSULTATION', 'VOTING', 'RESOLUTION'];

/** `YYYY-MM-DD` of a local date, for date inputs. */
export function isoDay(d: Date): string {
  const p = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())}`;
}

/** The start of a local calendar day (`YYYY-MM-DD`) as an ISO instant. */
export function dayStart(day: string): string {
  const [y, m, d] = day.split('-').map(Number);
  return new Date(y ?? 1970, (m || 1) - 1, d || 1).toISOString();
}

/**
 * Phases from consecutive boundaries: the first phase starts at `days[0]`, each phase ends
 * where the next starts, the last ends at `days[4]`.
 */
export function phasesFrom(days: string[]): { kind: PhaseKind; startsAt: string; endsAt: string }[] {
  return PHASES.map((kind, i) => ({ kind, startsAt: dayStart(days[i] ?? ''), endsAt: dayStart(days[i + 1] ?? '') }));
}
