import type { Role, Sector } from '../gql/graphql';

export const SECTORS: Sector[] = ['ADMINISTRATION', 'POLITICS', 'CIVIL_SOCIETY', 'SCIENCE'];
export const ROLES: Role[] = ['MEMBER', 'COORDINATOR', 'ADMIN'];

export function isSector(v: unknown): v is Sector {
  return typeof v === 'string' && (SECTORS as string[]).includes(v);
}

export function isRole(v: unknown): v is Role {
  return typeof v === 'string' && (ROLES as string[]).includes(v);
}

/** Sorts by name with German collation (umlauts next to their base letter). */
export function byName<T extends { name: string }>(lang: string) {
  const collator = new Intl.Collator(lang.startsWith('en') ? 'en' : 'de', { sensitivity: 'base' });
  return (a: T, b: T) => collator.compare(a.name, b.name);
}
