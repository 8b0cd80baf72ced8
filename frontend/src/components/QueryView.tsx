import type { ReactNode } from 'react';
import type { QueryState } from '../lib/hooks';
import { ErrorMessage } from './ErrorMessage';
import { Loading } from './Notice';

interface Props<TData, TItem> {
  query: Pick<QueryState<TData>, 'data' | 'error' | 'loading'>;
  /** Picks what the view shows from the answer; null or undefined there means "not found". */
  select?: (data: TData) => TItem | null | undefined;
  /**
   * Shown first in every state but "not found": the page heading, from the item once it is there
   * (and a generic title before).
   */
  heading?: ReactNode | ((item: TItem | undefined) => ReactNode);
  /** Shown instead of everything when the answer has no item. */
  notFound?: ReactNode;
  children: (item: TItem, data: TData) => ReactNode;
}

/**
 * The states every view of a query goes through: loading until the first answer, its error
 * (also a failed reload above the data still shown), "not found", and the data.
 */
export function QueryView<TData, TItem = TData>({ query, select, heading, notFound = null, children }: Props<TData, TItem>) {
  const { data, error, loading } = query;
  const item = data === undefined ? undefined : select ? select(data) : (data as unknown as TItem);
  if (data !== undefined && item == null) return <>{notFound}</>;
  return (
    <>
      {typeof heading === 'function' ? heading(item ?? undefined) : heading}
      <ErrorMessage error={error} />
      {data === undefined || item == null ? loading && <Loading /> : children(item, data)}
    </>
  );
}
