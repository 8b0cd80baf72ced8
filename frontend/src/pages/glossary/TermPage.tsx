import { useRef, useState, type FormEvent } from 'react';
import { Button, Disclosure, DisclosurePanel, Form, Heading } from 'react-aria-components';
import { useTranslation } from 'react-i18next';
import { Link, useParams } from 'react-router';
import { CreateSection } from '../../components/CreateSection';
import { ErrorMessage } from '../../components/ErrorMessage';
import { RadioField, SelectField, TextInput } from '../../components/fields';
import { Loading } from '../../components/Notice';
import { PageHeading } from '../../components/PageHeading';
import type { GlossaryTermQuery, MappingKind, Sector } from '../../gql/graphql';
import { request, RequestError } from '../../lib/client';
import { useErrorText } from '../../lib/errors';
import { formText } from '../../lib/form';
import { formatDate, formatDateTime } from '../../lib/format';
import { useMutation, useQuery } from '../../lib/hooks';
import { SECTORS } from '../../lib/labels';
import { canCoordinate, useUser } from '../../session/context';
import { DeprecateTerm, RelationsEditor, WithdrawReview } from './GlossaryAdmin';
import {
  DefinitionDiffQuery,
  MapDefinitionMutation,
  MappingTargetsQuery,
  ProposeDefinitionMutation,
  ReviewDefinitionMutation,
  TermQuery,
  UpdateDefinitionMutation,
} from './operations';
import { TextArea } from './TextArea';
import './glossary.css';

type Term = NonNullable<GlossaryTermQuery['term']>;
type Def = Term['definitions'][number];

export function TermPage() {
  const { t } = useTranslation();
  const user = useUser();
  const { id = '' } = useParams();
  const term = useQuery(TermQuery, { id });
  const data = term.data?.term;

  if (!term.data) {
    return (
      <>
        <PageHeading title={t('glossary.title')} />
        {term.loading && <Loading />}
        <ErrorMessage error={term.error} />
      </>
    );
  }
  if (!data) {
    return (
      <>
        <PageHeading title={t('glossary.notFound')} />
        <p>
          <Link to="/glossar">{t('glossary.back')}</Link>
        </p>
      </>
    );
  }
  return (
    <>
      <p className="breadcrumb">
        <Link to="/glossar">{t('glossary.back')}</Link>
      </p>
      <PageHeading title={data.label} />
      <p className="lead">
        <span className={`badge badge-${data.status.toLowerCase()}`}>{t(`glossary.status.${data.status}`)}</span>{' '}
        {data.proposedBy && t('glossary.proposedBy', { name: data.proposedBy.name })}
      </p>
      <ErrorMessage error={term.error} />
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

function approvedSectors(def: Def): Sector[] {
  const out = new Set<Sector>();
  for (const r of def.reviews) {
    if (r.decision === 'APPROVE' && r.current) for (const o of r.reviewer?.organizations ?? []) out.add(o.sector);
  }
  return SECTORS.filter((s) => out.has(s));
}

function DefinitionCard({ def, index, onChanged }: { def: Def; index: number; onChanged: () => void }) {
  const { t, i18n } = useTranslation();
  const lang = i18n.language;
  const headingId = `def-${def.id}`;
  const approved = approvedSectors(def);
  return (
    <article className="definition-card" aria-labelledby={headingId}>
      <h3 id={headingId}>
        {t('glossary.definitionN', { n: index })}{' '}
        <span className={`badge badge-${def.status.toLowerCase()}`}>{t(`glossary.defStatus.${def.status}`)}</span>
      </h3>
      <blockquote className="definition-text">{def.text}</blockquote>
      <dl className="facts">
        <dt>{t('glossary.source')}</dt>
        <dd>
          {[def.source.publisher, def.source.statistic, def.source.date && formatDate(def.source.date, lang)]
            .filter(Boolean)
            .join(', ') || '–'}
          {def.source.link && (
            <>
              {' '}
              <a href={def.source.link} rel="noreferrer noopener">
                {t('glossary.sourceLinkShort')}
              </a>
            </>
          )}
        </dd>
        <dt>{t('glossary.validity')}</dt>
        <dd>
          {def.validFrom || def.validTo
            ? t('glossary.validRange', {
                from: def.validFrom ? formatDate(def.validFrom, lang) : '…',
                to: def.validTo ? formatDate(def.validTo, lang) : '…',
              })
            : t('glossary.validOpen')}
        </dd>
        <dt>{t('glossary.scopeNote')}</dt>
        <dd>{def.scopeNote ?? '–'}</dd>
        <dt>{t('glossary.author')}</dt>
        <dd>
          {def.author?.name ?? t('glossary.formerParticipant')} ({t('glossary.versionN', { n: def.version })},{' '}
          {formatDateTime(def.updatedAt, lang)})
        </dd>
      </dl>
      <section className="agreement" aria-label={t('glossary.agreement')}>
        <h4>{t('glossary.agreement')}</h4>
        <p>
          <strong>{def.agreement.agreed ? t('glossary.agreedYes') : t('glossary.agreedNo')}</strong>
        </p>
        <ul>
          <li>
            {t('glossary.approvedBy')}: {approved.map((s) => t(`sector.${s}`)).join(', ') || t('glossary.none')}
          </li>
          <li>
            {t('glossary.missingSectors')}:{' '}
            {def.agreement.missingSectors.map((s) => t(`sector.${s}`)).join(', ') || t('glossary.none')}
          </li>
          <li>{t('glossary.openObjections', { count: def.agreement.openObjections })}</li>
        </ul>
      </section>
      <Reviews def={def} />
      <ReviewActions def={def} onChanged={onChanged} />
      <EditDefinition def={def} onChanged={onChanged} />
      <History def={def} />
      <AddMapping def={def} onChanged={onChanged} />
      {def.mappings.length > 0 && (
        <section aria-label={t('glossary.mappings')}>
          <h4>{t('glossary.mappings')}</h4>
          <ul>
            {def.mappings.map((m) => (
              <li key={m.id}>
                {t(`glossary.mappingKind.${m.kind}`)}:{' '}
                {m.target ? (
                  m.target.term ? (
                    <Link to={`/glossar/${m.target.term.id}`}>{m.target.term.label}</Link>
                  ) : (
                    m.target.text
                  )
                ) : m.targetUri ? (
                  <a href={m.targetUri} rel="noreferrer noopener">
                    {m.targetUri}
                  </a>
                ) : (
                  '–'
                )}
                {m.note && <> – {m.note}</>}
              </li>
            ))}
          </ul>
        </section>
      )}
    </article>
  );
}

function Reviews({ def }: { def: Def }) {
  const { t, i18n } = useTranslation();
  if (def.reviews.length === 0) return <p className="muted">{t('glossary.noReviews')}</p>;
  return (
    <section aria-label={t('glossary.reviews')}>
      <h4>{t('glossary.reviews')}</h4>
      <ul className="review-list">
        {def.reviews.map((r, i) => (
          <li key={`${r.reviewer?.id ?? 'x'}-${i}`}>
            <strong>{t(`glossary.decision.${r.decision}`)}</strong> –{' '}
            {r.reviewer?.name ?? t('glossary.formerParticipant')}
            {r.reviewer && r.reviewer.organizations.length > 0 && (
              <> ({r.reviewer.organizations.map((o) => t(`sector.${o.sector}`)).join(', ')})</>
            )}
            , {t('glossary.versionN', { n: r.version })}
            {!r.current && <> ({t('glossary.reviewOutdated')})</>}, {formatDateTime(r.updatedAt, i18n.language)}
            {r.reason && <p className="review-reason">{r.reason}</p>}
          </li>
        ))}
      </ul>
    </section>
  );
}

function ReviewActions({ def, onChanged }: { def: Def; onChanged: () => void }) {
  const { t } = useTranslation();
  const user = useUser();
  const review = useMutation(ReviewDefinitionMutation);
  const { fieldErrors } = useErrorText();
  const [done, setDone] = useState<string | null>(null);
  const formRef = useRef<HTMLFormElement>(null);
  const isAuthor = def.author?.id === user.id;
  const mapping = { fields: ['reason'] };

  async function approve() {
    setDone(null);
    if (await review.run({ definitionId: def.id, decision: 'APPROVE', reason: null })) {
      setDone(t('glossary.approved'));
      onChanged();
    }
  }
  async function object(e: FormEvent<HTMLFormElement>) {
    e.preventDefault();
    setDone(null);
    const reason = formText(new FormData(e.currentTarget), 'reason').trim();
    if (await review.run({ definitionId: def.id, decision: 'OBJECT', reason })) {
      setDone(t('glossary.objected'));
      formRef.current?.reset();
      onChanged();
    }
  }

  return (
    <section aria-label={t('glossary.reviewActions')} className="review-actions">
      <h4>{t('glossary.reviewActions')}</h4>
      <ErrorMessage error={review.error} mapping={mapping} />
      {done && (
        <p role="status" className="alert alert-success">
          {done}
        </p>
      )}
      <Button
        className="btn"
        onPress={() => void approve()}
        isDisabled={isAuthor}
        isPending={review.pending}
        aria-describedby={isAuthor ? `author-note-${def.id}` : undefined}
      >
        {t('glossary.approve')}
      </Button>
      {isAuthor && (
        <p id={`author-note-${def.id}`} className="field-description">
          {t('glossary.authorCannotApprove')}
        </p>
      )}
      <WithdrawReview
        definitionId={def.id}
        hasReview={def.reviews.some((r) => r.reviewer?.id === user.id)}
        onChanged={onChanged}
      />
      <Form
        ref={formRef}
        className="form"
        onSubmit={(e) => void object(e)}
        validationErrors={fieldErrors(review.error, mapping)}
      >
        <TextArea name="reason" label={t('glossary.objectReason')} isRequired rows={2} />
        <Button type="submit" className="btn btn-secondary" isPending={review.pending}>
          {t('glossary.object')}
        </Button>
      </Form>
    </section>
  );
}

function EditDefinition({ def, onChanged }: { def: Def; onChanged: () => void }) {
  const { t } = useTranslation();
  const [text, setText] = useState(def.text);
  const [base, setBase] = useState(def.version);
  const [error, setError] = useState<unknown>(undefined);
  const [pending, setPending] = useState(false);
  const [conflict, setConflict] = useState(false);
  const [saved, setSaved] = useState(false);

  async function save() {
    setSaved(false);
    setConflict(false);
    setError(undefined);
    setPending(true);
    try {
      const r = await request(UpdateDefinitionMutation, { definitionId: def.id, text, expectedVersion: base });
      setBase(r.updateDefinition.version);
      setSaved(true);
      onChanged();
    } catch (e) {
      if (e instanceof RequestError && e.hasCode('CONFLICT')) {
        setConflict(true);
        onChanged();
      } else {
        setError(e);
      }
    } finally {
      setPending(false);
    }
  }
  const stale = conflict && def.version !== base;

  return (
    <Disclosure className="sub-disclosure">
      <Heading level={4}>
        <Button slot="trigger" className="btn btn-quiet-link">
          {t('glossary.edit')}
        </Button>
      </Heading>
      <DisclosurePanel>
        {stale ? (
          <div role="alert" className="alert alert-error">
            <p>{t('glossary.conflict', { version: def.version })}</p>
            <blockquote className="definition-text">{def.text}</blockquote>
            <Button
              className="btn btn-secondary"
              onPress={() => {
                setBase(def.version);
                setConflict(false);
              }}
            >
              {t('glossary.conflictContinue')}
            </Button>
          </div>
        ) : (
          <ErrorMessage error={error} />
        )}
        {saved && (
          <p role="status" className="alert alert-success">
            {t('glossary.saved')}
          </p>
        )}
        <TextArea name="text" label={t('glossary.definitionText')} value={text} onChange={setText} isRequired />
        <Button className="btn" onPress={() => void save()} isPending={pending} isDisabled={stale}>
          {t('glossary.saveDefinition')}
        </Button>
      </DisclosurePanel>
    </Disclosure>
  );
}

function History({ def }: { def: Def }) {
  const { t, i18n } = useTranslation();
  const [from, setFrom] = useState<number | null>(null);
  return (
    <Disclosure className="sub-disclosure">
      <Heading level={4}>
        <Button slot="trigger" className="btn btn-quiet-link">
          {t('glossary.history', { count: def.versions.length })}
        </Button>
      </Heading>
      <DisclosurePanel>
        <ol className="version-list">
          {def.versions.map((v) => (
            <li key={v.version}>
              {t('glossary.versionN', { n: v.version })} – {v.author?.name ?? t('glossary.formerParticipant')},{' '}
              {formatDateTime(v.updatedAt, i18n.language)}
              {v.version < def.version && (
                <>
                  {' '}
                  <Button className="btn btn-small btn-secondary" onPress={() => setFrom(v.version)}>
                    {t('glossary.compare', { n: v.version })}
                  </Button>
                </>
              )}
            </li>
          ))}
        </ol>
        {from !== null && <Diff id={def.id} from={from} to={def.version} />}
      </DisclosurePanel>
    </Disclosure>
  );
}

function Diff({ id, from, to }: { id: string; from: number; to: number }) {
  const { t } = useTranslation();
  const diff = useQuery(DefinitionDiffQuery, { id, from, to });
  return (
    <div className="diff-box" aria-live="polite">
      <p className="muted">{t('glossary.diffLegend', { from, to })}</p>
      <ErrorMessage error={diff.error} />
      {diff.loading && !diff.data && <Loading />}
      <p className="diff">
        {diff.data?.definition?.diff.map((s, i) =>
          s.kind === 'INSERT' ? (
            <ins key={i}>
              <span className="visually-hidden">{t('glossary.inserted')} </span>
              {s.text}
            </ins>
          ) : s.kind === 'DELETE' ? (
            <del key={i}>
              <span className="visually-hidden">{t('glossary.deleted')} </span>
              {s.text}
            </del>
          ) : (
            <span key={i}>{s.text}</span>
          ),
        )}
      </p>
    </div>
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
    <CreateSection title={t('glossary.proposeDefinition')}>
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
        <TextInput name="validFrom" type="date" label={t('glossary.validFrom')} />
        <TextInput name="validTo" type="date" label={t('glossary.validTo')} />
        <Button type="submit" className="btn" isPending={propose.pending}>
          {t('glossary.proposeDefinitionSubmit')}
        </Button>
      </Form>
    </CreateSection>
  );
}

const KINDS: MappingKind[] = ['EXACT_MATCH', 'CLOSE_MATCH', 'BROADER_MATCH', 'NARROWER_MATCH'];
const URI = '__uri__';

function AddMapping({ def, onChanged }: { def: Def; onChanged: () => void }) {
  const { t } = useTranslation();
  const [open, setOpen] = useState(false);
  return (
    <Disclosure className="sub-disclosure" isExpanded={open} onExpandedChange={setOpen}>
      <Heading level={4}>
        <Button slot="trigger" className="btn btn-quiet-link">
          {t('glossary.addMapping')}
        </Button>
      </Heading>
      <DisclosurePanel>
        {open && <MappingForm def={def} onChanged={onChanged} />}
      </DisclosurePanel>
    </Disclosure>
  );
}

function MappingForm({ def, onChanged }: { def: Def; onChanged: () => void }) {
  const { t } = useTranslation();
  const targets = useQuery(MappingTargetsQuery);
  const map = useMutation(MapDefinitionMutation);
  const { fieldErrors } = useErrorText();
  const [done, setDone] = useState(false);
  const formRef = useRef<HTMLFormElement>(null);
  const mapping = { fields: ['targetDefinitionId', 'targetUri', 'kind', 'note'], conflictField: 'targetDefinitionId' };
  const options = (targets.data?.terms ?? []).flatMap((term) =>
    term.definitions
      .filter((d) => d.id !== def.id)
      .map((d, i) => ({
        id: d.id,
        label: `${term.label} ${i + 1}: ${d.text.length > 50 ? `${d.text.slice(0, 50)}…` : d.text}`,
      })),
  );

  async function onSubmit(e: FormEvent<HTMLFormElement>) {
    e.preventDefault();
    setDone(false);
    const f = new FormData(e.currentTarget);
    const target = formText(f, 'targetDefinitionId');
    const uri = formText(f, 'targetUri').trim();
    const kind = formText(f, 'kind');
    const r = await map.run({
      input: {
        definitionId: def.id,
        targetDefinitionId: target && target !== URI ? target : null,
        targetUri: !target || target === URI ? uri || null : null,
        kind: (KINDS as string[]).includes(kind) ? (kind as MappingKind) : 'CLOSE_MATCH',
        note: formText(f, 'note').trim() || null,
      },
    });
    if (r) {
      setDone(true);
      formRef.current?.reset();
      onChanged();
    }
  }
  return (
    <>
      <ErrorMessage error={targets.error} />
      <ErrorMessage error={map.error} mapping={mapping} />
      {done && (
        <p role="status" className="alert alert-success">
          {t('glossary.mappingSaved')}
        </p>
      )}
      <Form ref={formRef} className="form" onSubmit={(e) => void onSubmit(e)} validationErrors={fieldErrors(map.error, mapping)}>
        <RadioField
          name="kind"
          label={t('glossary.mappingKindLabel')}
          defaultValue="CLOSE_MATCH"
          options={KINDS.map((k) => ({ id: k, label: t(`glossary.mappingKind.${k}`) }))}
        />
        <SelectField
          name="targetDefinitionId"
          label={t('glossary.mappingTarget')}
          defaultValue={URI}
          options={[{ id: URI, label: t('glossary.mappingExternal') }, ...options]}
        />
        <TextInput name="targetUri" type="url" label={t('glossary.mappingUri')} />
        <TextInput name="note" label={t('glossary.mappingNote')} />
        <Button type="submit" className="btn btn-secondary" isPending={map.pending}>
          {t('glossary.mappingSubmit')}
        </Button>
      </Form>
    </>
  );
}
