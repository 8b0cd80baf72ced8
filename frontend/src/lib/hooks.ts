import { useCallback, useEffect, useState } from 'react';
import type { TypedDocumentString } from '../gql/graphql';
import { request } from './client';

export interface QueryState<T> {
  data: T | undefined;
  error: unknown;
  loading: boolean;
  /** Loads the query again (e.g. after a mutation); the old data stays visible meanwhile. */
  refetch: () => void;
}

interface Result<T> {
  /** Which request (variables and generation) this result belongs to. */
  key: string;
  data: T | undefined;
  error: unknown;
}

/** Runs a query on mount and whenever its variables change. */
export function useQuery<TResult, TVariables>(
  document: TypedDocumentString<TResult, TVariables>,
  variables?: TVariables,
): QueryState<TResult> {
  const vars = JSON.stringify(variables ?? {});
  const [generation, setGeneration] = useState(0);
  const [result, setResult] = useState<Result<TResult>>({ key: '', data: undefined, error: undefined });
  const key = `${generation}:${vars}`;

  useEffect(() => {
    let cancelled = false;
    request(document, JSON.parse(vars) as TVariables).then(
      (data) => {
        if (!cancelled) setResult({ key, data, error: undefined });
      },
      (error: unknown) => {
        if (!cancelled) setResult((r) => ({ key, data: r.data, error }));
      },
    );
    return () => {
      cancelled = true;
    };
  }, [document, vars, key]);

  const refetch = useCallback(() => setGeneration((g) => g + 1), []);
  return { data: result.data, error: result.error, loading: result.key !== key, refetch };
}

export interface MutationState<TResult, TVariables> {
  run: (variables: TVariables) => Promise<TResult | undefined>;
  error: unknown;
  pending: boolean;
  reset: () => void;
}

/** A mutation whose last error is kept for display; `run` resolves to undefined on failure. */
export function useMutation<TResult, TVariables>(
  document: TypedDocumentString<TResult, TVariables>,
): MutationState<TResult, TVariables> {
  const [error, setError] = useState<unknown>(undefined);
  const [pending, setPending] = useState(false);
  const run = useCallback(
    async (variables: TVariables) => {
      setPending(true);
      setError(undefined);
      try {
        return await request(document, variables);
      } catch (e) {
        setError(e);
        return undefined;
      } finally {
        setPending(false);
      }
    },
    [document],
  );
  const reset = useCallback(() => setError(undefined), []);
  return { run, error, pending, reset };
}
