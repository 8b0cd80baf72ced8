import { useRef, useState, type FormEvent } from 'react';
import { Button, Form } from 'react-aria-components';
import { useTranslation } from 'react-i18next';
import { Link, useParams } from 'react-router';
import { DateField } from '../../components/DateField';
import { ErrorMessage } from '../../components/ErrorMessage';
import { Expander } from '../../components/Expander';
import { TextInput } from '../../components/fields';
import { TextArea } from '../../components/TextArea';
import { PageHeading } from '../../components/PageHeading';
import { QueryView } from '../../components/QueryView';
import { useErrorText } from '../../lib/errors';
import { formText } from '../../lib/form';
import { useMutation, useQuery } from '../../lib/hooks';
import { canCoordinate, useUser } from '../../session/context';
import { DefinitionCard } from './DefinitionCard';
import { DeprecateTerm, RelationsEditor } from './GlossaryAdmin';
import { ProposeDefinitionMutation, TermQuery } from './operations';
import './glossary.css';

export function TermPage() {
  const { t } = useTranslation();
  const user = useUser();
  const { id = '' } = useParams();
  const term = useQuery(TermQuery, { id });

  return (
    <QueryView
      query={term}
      select={(d) => d.term}
      heading={(data) =>
        data ? (
          <>
            <p className="breadcrumb">
              <Link to="/glossar">{t('glossary.back')}</Link>
            </p>
            <PageHeading title={data.label} />
          </>
        ) : (
          <PageHeading title={t('glossary.title')} />
        )
      }
      notFound={
        <>
          <PageHeading title={t('glossary.notFound')} />
          <p>
            <Link to="/glossar">{t('glossary.back')}</Link>
          </p>
        </>
      }
    >
      {(data) => (
        <>
          <p className="lead">
            <span className={`badge badge-${data.status.toLowerCase()}`}>{t(`glossary.status.${data.status}`)}</span>{' '}
            {data.proposedBy && t('glossary.proposedBy', { name: data.proposedBy.name })}
          </p>
          <dl className="facts">
            {data.synonyms.length > 0 && (
              <>
                <dt>{t('glossary.synonyms')}</dt>
                <dd>{data.synonyms.join(', ')}</dd>
              </>
            )}
            <TermRefs label={t('glossary.broader')} terms={data.broader} />
            <TermRefs label={t('glossary.narrower')} terms={data.narrower} />
            <TermRefs label={t('glossary.related')} terms={data.related} />
            {data.replacedBy && <TermRefs label={t('glossary.replacedBy')} terms={[data.replacedBy]} />}
          </dl>
          {data.status !== 'DEPRECATED' && (
            <div className="panel-stack">
              <RelationsEditor
                termId={data.id}
                broader={data.broader}
                narrower={data.narrower}
                related={data.related}
                onChanged={term.refetch}
              />
              {canCoordinate(user) && <DeprecateTerm termId={data.id} label={data.label} onChanged={term.refetch} />}
            </div>
          )}
          <section aria-labelledby="term-definitions">
            <h2 id="term-definitions">{t('glossary.definitions', { count: data.definitions.length })}</h2>
            {data.definitions.length === 0 && <p>{t('glossary.noDefinitions')}</p>}
            <div className="definition-grid">
              {data.definitions.map((d, i) => (
                <DefinitionCard key={d.id} def={d} index={i + 1} onChanged={term.refetch} />
              ))}
            </div>
          </section>
          {data.status !== 'DEPRECATED' && <ProposeDefinition termId={data.id} onCreated={term.refetch} />}
        </>
      )}
    </QueryView>
  );
}

function TermRefs({ label, terms }: { label: string; terms: { id: string; label: string }[] }) {
  if (terms.length === 0) return null;
  return (
    <>
      <dt>{label}</dt>
      <dd>
        {terms.map((x, i) => (
          <span key={x.id}>
            {i > 0 && ', '}
            <Link to={`/glossar/${x.id}`}>{x.label}</Link>
          </span>
        ))}
      </dd>
    </>
  );
}

function ProposeDefinition({ termId, onCreated }: { termId: string; onCreated: () => void }) {
  const { t } = useTranslation();
  const propose = useMutation(ProposeDefinitionMutation);
  const { fieldErrors } = useErrorText();
  const [done, setDone] = useState(false);
  const formRef = useRef<HTMLFormElement>(null);
  const mapping = { fields: ['text', 'publisher', 'validFrom', 'validTo'] };

  async function onSubmit(e: FormEvent<HTMLFormElement>) {
    e.preventDefault();
    setDone(false);
    const data = new FormData(e.currentTarget);
    const v = (n: string) => formText(data, n).trim() || null;
    const publisher = v('publisher');
    const statistic = v('statistic');
    const link = v('link');
    const r = await propose.run({
      input: {
        termId,
        text: formText(data, 'text').trim(),
        source: publisher || statistic || link ? { publisher, statistic, link } : null,
        scopeNote: v('scopeNote'),
        validFrom: v('validFrom'),
        validTo: v('validTo'),
      },
    });
    if (r) {
      setDone(true);
      formRef.current?.reset();
      onCreated();
    }
  }

  return (
    <Expander title={t('glossary.proposeDefinition')}>
      <ErrorMessage error={propose.error} mapping={mapping} />
      {done && (
        <p role="status" className="alert alert-success">
          {t('glossary.definitionProposed')}
        </p>
      )}
      <Form
        ref={formRef}
        className="form"
        onSubmit={(e) => void onSubmit(e)}
        validationErrors={fieldErrors(propose.error, mapping)}
      >
        <TextArea name="text" label={t('glossary.definitionText')} isRequired />
        <TextInput name="publisher" label={t('glossary.publisher')} />
        <TextInput name="statistic" label={t('glossary.statistic')} />
        <TextInput name="link" type="url" label={t('glossary.sourceLink')} />
        <TextInput name="scopeNote" label={t('glossary.scopeNote')} />
        <DateField name="validFrom" label={t('glossary.validFrom')} />
        <DateField name="validTo" label={t('glossary.validTo')} />
        <Button type="submit" className="btn" isPending={propose.pending}>
          {t('glossary.proposeDefinitionSubmit')}
        </Button>
      </Form>
    </Expander>
  );
}
