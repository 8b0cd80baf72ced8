import { useRef, useState, type FormEvent } from 'react';
import { Button, Form, Input, Label, SearchField } from 'react-aria-components';
import { useTranslation } from 'react-i18next';
import { Link, useSearchParams } from 'react-router';
import { Expander } from '../../components/Expander';
import { ErrorMessage } from '../../components/ErrorMessage';
import { RadioField, TextInput } from '../../components/fields';
import { TextArea } from '../../components/TextArea';
import { Loading } from '../../components/Notice';
import { PageHeading } from '../../components/PageHeading';
import type { TermStatus } from '../../gql/graphql';
import { useErrorText } from '../../lib/errors';
import { formText } from '../../lib/form';
import { useMutation, useQuery } from '../../lib/hooks';
import { paramsWith } from '../../lib/searchParams';
import { canCoordinate, useUser } from '../../session/context';
import { AgreementRule } from './GlossaryAdmin';
import { GlossaryImport } from './GlossaryImport';
import { ProposeTermMutation, TermsQuery } from './operations';
import './glossary.css';

const STATUSES: TermStatus[] = ['PROPOSED', 'AGREED', 'DEPRECATED'];
const ALL = 'ALL';
const TERM_FIELDS = { fields: ['label', 'synonyms', 'definition', 'publisher'], conflictField: 'label' };

function isStatus(v: unknown): v is TermStatus {
  return typeof v === 'string' && (STATUSES as string[]).includes(v);
}

export function GlossaryPage() {
  const { t } = useTranslation();
  const user = useUser();
  const [params, setParams] = useSearchParams();
  const search = params.get('q') ?? '';
  const statusParam = params.get('status');
  const status = isStatus(statusParam) ? statusParam : null;
  const [draft, setDraft] = useState(search);
  const terms = useQuery(TermsQuery, { search: search || null, status });

  function update(key: 'q' | 'status', value: string) {
    setParams(paramsWith(key, value, key === 'q' ? '' : ALL), { replace: true });
  }

  const list = terms.data?.terms ?? [];
  return (
    <>
      <PageHeading title={t('glossary.title')} />
      <p className="lead">{t('glossary.intro')}</p>
      <div className="panel-stack">
        <ProposeTerm onCreated={terms.refetch} />
        {canCoordinate(user) && <GlossaryImport onApplied={terms.refetch} />}
        <section aria-labelledby="glossary-terms">
          <h2 id="glossary-terms">{t('glossary.terms')}</h2>
          <form
            role="search"
            className="filter-bar"
            onSubmit={(e) => {
              e.preventDefault();
              update('q', draft.trim());
            }}
          >
            <SearchField
              className="field"
              value={draft}
              onChange={setDraft}
              onClear={() => update('q', '')}
            >
              <Label>{t('glossary.search')}</Label>
              <Input />
            </SearchField>
            <Button type="submit" className="btn btn-secondary">
              {t('glossary.searchSubmit')}
            </Button>
          </form>
          <RadioField
            name="status"
            label={t('glossary.statusFilter')}
            value={status ?? ALL}
            onChange={(v) => update('status', v)}
            options={[
              { id: ALL, label: t('glossary.statusAll') },
              ...STATUSES.map((s) => ({ id: s, label: t(`glossary.status.${s}`) })),
            ]}
          />
          {terms.loading && !terms.data && <Loading />}
          <ErrorMessage error={terms.error} />
          <p role="status" className="result-count">
            {terms.data ? t('glossary.count', { count: list.length }) : ''}
          </p>
          {list.length > 0 && (
            // A new search keeps the previous terms on screen until its own arrive.
            <ul className="term-list" aria-busy={terms.loading}>
              {list.map((term) => (
                <li key={term.id}>
                  <Link to={`/glossar/${term.id}`} className="term-link">
                    {term.label}
                  </Link>{' '}
                  <span className={`badge badge-${term.status.toLowerCase()}`}>
                    {t(`glossary.status.${term.status}`)}
                  </span>
                  {term.synonyms.length > 0 && (
                    <span className="muted">
                      {' '}
                      {t('glossary.synonymsInline', { list: term.synonyms.join(', ') })}
                    </span>
                  )}
                  <p className="term-snippet">
                    {term.agreedDefinition?.text ??
                      t('glossary.candidates', { count: term.definitions.length })}
                  </p>
                </li>
              ))}
            </ul>
          )}
        </section>
        <section aria-labelledby="glossary-exports">
          <h2 id="glossary-exports">{t('glossary.exports')}</h2>
          <ul className="link-list">
            <li>
              <a href="/glossary.ttl" download>
                {t('glossary.exportTtl')}
              </a>
            </li>
            <li>
              <a href="/glossary.jsonld" download>
                {t('glossary.exportJsonld')}
              </a>
            </li>
            <li>
              <a href="/glossary.csv" download>
                {t('glossary.exportCsv')}
              </a>
            </li>
          </ul>
        </section>
        <AgreementRule editable={canCoordinate(user)} />
      </div>
    </>
  );
}

function ProposeTerm({ onCreated }: { onCreated: () => void }) {
  const { t } = useTranslation();
  const propose = useMutation(ProposeTermMutation);
  const { fieldErrors } = useErrorText();
  const [created, setCreated] = useState<{ id: string; label: string } | null>(null);
  const formRef = useRef<HTMLFormElement>(null);

  async function onSubmit(e: FormEvent<HTMLFormElement>) {
    e.preventDefault();
    setCreated(null);
    const data = new FormData(e.currentTarget);
    const definition = formText(data, 'definition').trim();
    const publisher = formText(data, 'publisher').trim();
    const statistic = formText(data, 'statistic').trim();
    const link = formText(data, 'link').trim();
    const scopeNote = formText(data, 'scopeNote').trim();
    const result = await propose.run({
      input: {
        label: formText(data, 'label').trim(),
        synonyms: formText(data, 'synonyms')
          .split(/[,;\n]/)
          .map((s) => s.trim())
          .filter(Boolean),
        definition: definition || null,
        source:
          definition && (publisher || statistic || link)
            ? { publisher: publisher || null, statistic: statistic || null, link: link || null }
            : null,
        scopeNote: definition && scopeNote ? scopeNote : null,
      },
    });
    if (result) {
      setCreated(result.proposeTerm);
      formRef.current?.reset();
      onCreated();
    }
  }

  return (
    <Expander title={t('glossary.proposeTerm')}>
      <ErrorMessage error={propose.error} mapping={TERM_FIELDS} />
      {created && (
        <p role="status" className="alert alert-success">
          {t('glossary.termProposed', { label: created.label })}{' '}
          <Link to={`/glossar/${created.id}`}>{t('glossary.openTerm')}</Link>
        </p>
      )}
      <Form
        ref={formRef}
        className="form"
        onSubmit={(e) => void onSubmit(e)}
        validationErrors={fieldErrors(propose.error, TERM_FIELDS)}
      >
        <TextInput name="label" label={t('glossary.label')} isRequired />
        <TextInput name="synonyms" label={t('glossary.synonyms')} description={t('glossary.synonymsHelp')} />
        <TextArea name="definition" label={t('glossary.firstDefinition')} />
        <TextInput name="publisher" label={t('glossary.publisher')} />
        <TextInput name="statistic" label={t('glossary.statistic')} />
        <TextInput name="link" type="url" label={t('glossary.sourceLink')} />
        <TextInput name="scopeNote" label={t('glossary.scopeNote')} />
        <Button type="submit" className="btn" isPending={propose.pending}>
          {t('glossary.proposeTermSubmit')}
        </Button>
      </Form>
    </Expander>
  );
}
