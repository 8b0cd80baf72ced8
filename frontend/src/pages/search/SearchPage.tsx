import { type FormEvent } from 'react';
import { Button, Input, Label, TextField } from 'react-aria-components';
import { useTranslation } from 'react-i18next';
import { Link, useSearchParams } from 'react-router';
import { ErrorMessage } from '../../components/ErrorMessage';
import { Loading } from '../../components/Notice';
import { PageHeading } from '../../components/PageHeading';
import type { SearchKind } from '../../gql/graphql';
import { useQuery } from '../../lib/hooks';
import { SearchQueryDocument } from './operations';

const KINDS: SearchKind[] = ['GOAL', 'PROPOSAL', 'COMMENT', 'TERM', 'DEFINITION', 'INDICATOR', 'ORGANIZATION'];

function Results({ query, kind }: { query: string; kind: SearchKind | null }) {
  const { t } = useTranslation();
  const q = useQuery(SearchQueryDocument, { query, kinds: kind ? [kind] : null });
  if (!q.data) return q.error ? <ErrorMessage error={q.error} /> : <Loading />;
  const hits = q.data.search;
  return (
    // The previous hits stay visible while a changed search loads; aria-busy says they are stale.
    <section aria-labelledby="search-results" aria-busy={q.loading}>
      <h2 id="search-results">{t('work.search.results', { count: hits.length, query })}</h2>
      {hits.length === 0 ? (
        <p>{t('work.search.none')}</p>
      ) : (
        <ul className="search-hits">
          {hits.map((h) => (
            <li key={`${h.kind}-${h.id}`}>
              <span className="task-kind">{t(`work.searchKind.${h.kind}`)}:</span>{' '}
              {h.path ? <Link to={h.path}>{h.title}</Link> : h.title}
              {h.excerpt && h.excerpt !== h.title && <p className="muted">{h.excerpt}</p>}
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}

/** Search across goals, proposals, comments, terms, definitions, indicators and organisations. */
export function SearchPage() {
  const { t } = useTranslation();
  const [params, setParams] = useSearchParams();
  const query = params.get('q')?.trim() ?? '';
  const kindParam = params.get('art');
  const kind = KINDS.find((k) => k === kindParam) ?? null;
  const submit = (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    const data = new FormData(e.currentTarget);
    const next = new URLSearchParams();
    const text = (name: string) => {
      const v = data.get(name);
      return typeof v === 'string' ? v.trim() : '';
    };
    const q = text('q');
    if (q) next.set('q', q);
    const art = text('art');
    if (art) next.set('art', art);
    setParams(next);
  };
  return (
    <>
      <PageHeading title={t('work.search.title')} />
      <p className="lead">{t('work.search.intro')}</p>
      <form role="search" onSubmit={submit} className="search-form" key={`${query}|${kind ?? ''}`}>
        <TextField name="q" defaultValue={query} className="field">
          <Label>{t('work.search.label')}</Label>
          <Input type="search" />
        </TextField>
        <div className="field">
          <label htmlFor="search-kind">{t('work.search.kind')}</label>
          <select id="search-kind" name="art" defaultValue={kind ?? ''}>
            <option value="">{t('work.search.allKinds')}</option>
            {KINDS.map((k) => (
              <option key={k} value={k}>
                {t(`work.searchKind.${k}`)}
              </option>
            ))}
          </select>
        </div>
        <Button type="submit" className="btn">
          {t('work.search.submit')}
        </Button>
      </form>
      {query && <Results query={query} kind={kind} />}
    </>
  );
}
