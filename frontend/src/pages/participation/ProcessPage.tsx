import { useEffect, useRef, useState, type FormEvent } from 'react';
import { Button, Form } from 'react-aria-components';
import { useTranslation } from 'react-i18next';
import { Link, useLocation, useParams, useSearchParams } from 'react-router';
import { ConfirmDialog } from '../../components/ConfirmDialog';
import { ErrorMessage } from '../../components/ErrorMessage';
import { RadioField, SelectField, TextInput } from '../../components/fields';
import { TextArea } from '../../components/TextArea';
import { PageHeading } from '../../components/PageHeading';
import { QueryView } from '../../components/QueryView';
import { useErrorText } from '../../lib/errors';
import { formText } from '../../lib/form';
import { formatDate, formatDateTime, formatPercent } from '../../lib/format';
import { useMutation, useQuery } from '../../lib/hooks';
import { paramsWith } from '../../lib/searchParams';
import { canCoordinate, useUser } from '../../session/context';
import type { ProcessViewQuery, ProposalKind, ProposalStatus } from '../../gql/graphql';
import { Expander } from '../../components/Expander';
import { NotFoundPage } from '../NotFoundPage';
import { FilterSelect } from '../indicators/FilterSelect';
import { subscribe } from '../../lib/subscriptions';
import { AdvanceMutation, CommentAddedSubscription, DispositionsQuery, ProcessQuery, SubmitProposalMutation } from './operations';
import { PHASES } from './phases';
import { ProposalCard } from './ProposalCard';
import { DispositionDialog } from './DispositionDialog';
import { openContributionsOf } from './openContributions';
import { SUBMIT_ANCHOR } from './submitAnchor';
import '../leitbild/leitbild.css';
import '../indicators/indicators.css';

type ProcessData = NonNullable<ProcessViewQuery['process']>;
const STATUS_ORDER: ProposalStatus[] = ['IN_VOTE', 'SUBMITTED', 'ACCEPTED', 'REJECTED', 'WITHDRAWN'];
const KINDS: ProposalKind[] = [
  'AMEND_GOAL',
  'ADD_GOAL',
  'REMOVE_GOAL',
  'ADD_FIELD_OF_ACTION',
  'AMEND_FIELD_OF_ACTION',
  'REMOVE_FIELD_OF_ACTION',
];

export function ProcessPage() {
  const { id = '' } = useParams();
  const { t } = useTranslation();
  const user = useUser();
  const [params, setParams] = useSearchParams();
  const filter = proposalFilterOf(params);
  const q = useQuery(ProcessQuery, { id, ...filter });
  const process = q.data?.process;
  const coordinator = canCoordinate(user);
  // New comments by others appear without reloading: each one triggers a fresh read.
  const open = process?.status === 'ACTIVE';
  const targets = open ? (process?.proposals ?? []).filter((p) => p.status !== 'WITHDRAWN').map((p) => p.id).join(',') : '';
  const refetch = q.refetch;
  useEffect(() => {
    if (!targets) return;
    const stops = targets.split(',').map((targetId) => subscribe(CommentAddedSubscription, { targetId }, refetch));
    return () => stops.forEach((stop) => stop());
  }, [targets, refetch]);
  const phase = process?.currentPhase?.kind;
  const myOrgs = new Set(q.data?.me?.organizations.map((o) => o.id) ?? []);
  const canVote = process?.participants.some((o) => myOrgs.has(o.id)) ?? false;
  const proposing = process?.status === 'ACTIVE' && (phase === 'DRAFTING' || phase === 'CONSULTATION');
  useScrollToHash(process !== undefined);
  const amendGoalId = new URLSearchParams(useLocation().search).get('aendern') ?? undefined;

  return (
    <QueryView
      query={q}
      select={(d) => d.process}
      heading={(p) => (
        <>
          <PageHeading title={p?.title ?? t('processes.title')} />
          <p>
            <Link to="/prozesse">{t('participation.back')}</Link>
          </p>
        </>
      )}
      notFound={<NotFoundPage />}
    >
      {(process) => (
        <>
          <ProcessHead process={process} coordinator={coordinator} onChange={q.refetch} />
          {proposing && <SubmitProposal process={process} amendGoalId={amendGoalId} onDone={q.refetch} />}
          <ProposalFilters
            process={process}
            params={params}
            onChange={(next) => setParams(next, { replace: true })}
            loading={q.loading}
          />
          {STATUS_ORDER.map((status) => {
            const list = process.proposals.filter((p) => p.status === status);
            if (list.length === 0) return null;
            return (
              // A changed filter keeps the previous proposals on screen until the new ones arrive.
              <section key={status} aria-labelledby={`status-${status}`} aria-busy={q.loading}>
                <h2 id={`status-${status}`}>
                  {t(`participation.proposalStatus.${status}`)} ({list.length})
                </h2>
                <div className="card-list">
                  {list.map((p) => (
                    <ProposalCard
                      key={p.id}
                      proposal={p}
                      userId={user.id}
                      coordinator={coordinator}
                      votingOpen={process.status === 'ACTIVE' && phase === 'VOTING'}
                      canVote={canVote}
                      commentingOpen={process.status === 'ACTIVE'}
                      rule={process.votingRule}
                      onChange={q.refetch}
                    />
                  ))}
                </div>
              </section>
            );
          })}
          {process.proposals.length === 0 && (
            <p>{Object.keys(filter).length > 0 ? t('participation.noMatchingProposals') : t('participation.noProposals')}</p>
          )}
          <Dispositions
            processId={process.id}
            coordinator={coordinator}
            onChange={q.refetch}
            stamp={processStamp(process)}
            commentHtml={commentHtmlOf(process)}
          />
        </>
      )}
    </QueryView>
  );
}

/** The URL's filter parameters, as the query's arguments (absent ones left out). */
const FILTER_PARAMS = { status: 'status', fieldOfActionId: 'feld', organizationId: 'organisation' } as const;
const ANY = '__any__';

function proposalFilterOf(params: URLSearchParams): {
  status?: ProposalStatus;
  fieldOfActionId?: string;
  organizationId?: string;
} {
  const out: { status?: ProposalStatus; fieldOfActionId?: string; organizationId?: string } = {};
  const status = params.get(FILTER_PARAMS.status);
  if (status && (STATUS_ORDER as string[]).includes(status)) out.status = status as ProposalStatus;
  const field = params.get(FILTER_PARAMS.fieldOfActionId);
  if (field) out.fieldOfActionId = field;
  const org = params.get(FILTER_PARAMS.organizationId);
  if (org) out.organizationId = org;
  return out;
}

/** Status, field and organisation filters; their state lives in the URL, so a filtered list can be shared. */
function ProposalFilters({
  process,
  params,
  onChange,
  loading,
}: {
  process: ProcessData;
  params: URLSearchParams;
  onChange: (next: URLSearchParams) => void;
  loading: boolean;
}) {
  const { t } = useTranslation();
  function set(key: string, value: string) {
    onChange(paramsWith(key, value, ANY));
  }
  const any = { id: ANY, label: t('participation.filterAny') };
  const fields = process.leitbild?.fieldsOfAction ?? [];
  return (
    <section aria-labelledby="proposal-filters" className="proposal-filters">
      <h2 id="proposal-filters">{t('participation.filterTitle')}</h2>
      <div className="filter-grid">
        <FilterSelect
          label={t('participation.filterStatus')}
          value={params.get(FILTER_PARAMS.status) ?? ANY}
          onChange={(v) => set(FILTER_PARAMS.status, v)}
          options={[any, ...STATUS_ORDER.map((s) => ({ id: s, label: t(`participation.proposalStatus.${s}`) }))]}
        />
        <FilterSelect
          label={t('participation.filterField')}
          value={params.get(FILTER_PARAMS.fieldOfActionId) ?? ANY}
          onChange={(v) => set(FILTER_PARAMS.fieldOfActionId, v)}
          options={[any, ...fields.map((f) => ({ id: f.id, label: f.title }))]}
        />
        <FilterSelect
          label={t('participation.filterOrganization')}
          value={params.get(FILTER_PARAMS.organizationId) ?? ANY}
          onChange={(v) => set(FILTER_PARAMS.organizationId, v)}
          options={[any, ...process.participants.map((o) => ({ id: o.id, label: o.name }))]}
        />
      </div>
      <p role="status" className="result-count">
        {loading ? '' : t('participation.proposalCount', { count: process.proposals.length })}
      </p>
    </section>
  );
}

/**
 * A link to `#proposal-<id>` (from tasks and mails) opens the page at that proposal once the
 * process has loaded, and moves focus to its heading.
 */
function useScrollToHash(loaded: boolean) {
  const { hash } = useLocation();
  useEffect(() => {
    if (!loaded || !hash) return;
    const target = document.getElementById(decodeURIComponent(hash.slice(1)));
    if (!target) return;
    target.scrollIntoView({ block: 'start' });
    if (!target.hasAttribute('tabindex')) target.setAttribute('tabindex', '-1');
    target.focus({ preventScroll: true });
  }, [loaded, hash]);
}

function ProcessHead({
  process,
  coordinator,
  onChange,
}: {
  process: ProcessData;
  coordinator: boolean;
  onChange: () => void;
}) {
  const { t, i18n } = useTranslation();
  const advance = useMutation(AdvanceMutation);
  const [confirm, setConfirm] = useState(false);
  const current = process.currentPhase?.kind;
  const lang = i18n.language;
  const rule = process.votingRule;
  const next = current ? PHASES[PHASES.indexOf(current) + 1] : undefined;
  // Adopting with undecided contributions was refused: the dialog asks for the explicit word.
  const open = openContributionsOf(advance.error);
  return (
    <>
      <p>
        <span className="status-badge">{t(`participation.processStatus.${process.status}`)}</span>{' '}
        {process.leitbild && (
          <Link to={`/leitbild/${process.leitbild.id}`}>
            {t('participation.onEdition', { title: process.leitbild.title, year: process.leitbild.year })}
          </Link>
        )}
        {process.resolutionReference && <> · {process.resolutionReference}</>}
      </p>
      <section aria-labelledby="phases-heading">
        <h2 id="phases-heading">{t('participation.phases')}</h2>
        <ol className="timeline">
          {process.phases.map((ph) => (
            <li key={ph.kind} aria-current={ph.kind === current ? 'step' : undefined}>
              {t(`participation.phase.${ph.kind}`)}
              {ph.kind === current && <> ({t('participation.current')})</>}
              <br />
              <span>
                {formatDate(ph.startsAt, lang)} – {formatDate(ph.endsAt, lang)}
              </span>
            </li>
          ))}
        </ol>
        {process.status === 'COMPLETED' && <p>{t('participation.completed')}</p>}
        <p>
          {t('participation.ruleSummary', {
            eligibility: t(`participation.eligibilityKind.${rule.eligibility}`),
            quorum: formatPercent(rule.quorum, lang),
            threshold: formatPercent(rule.threshold, lang),
          })}
          {rule.sectorMajority && <> {t('participation.sectorMajorityOn')}</>}
        </p>
        <p>
          {t('participation.participants')}: {process.participants.map((o) => o.name).join(', ') || '–'}
        </p>
        {coordinator && process.status === 'ACTIVE' && (
          <div className="inline-actions">
            <Button className="btn" onPress={() => setConfirm(true)}>
              {next ? t('participation.advanceTo', { phase: t(`participation.phase.${next}`) }) : t('participation.finish')}
            </Button>
            <ConfirmDialog
              isOpen={confirm}
              title={t('participation.advanceTitle')}
              confirmLabel={open === undefined ? t('participation.advanceConfirm') : t('participation.adoptAnyway')}
              pending={advance.pending}
              onCancel={() => {
                setConfirm(false);
                advance.reset();
              }}
              onConfirm={() =>
                void advance
                  .run({ processId: process.id, acceptOpenContributions: open !== undefined })
                  .then((r) => {
                    // A refusal stays in the dialog: the count of open contributions asks for
                    // the explicit "trotzdem beschließen", other errors are shown there.
                    if (!r) return;
                    setConfirm(false);
                    onChange();
                  })
              }
            >
              {open === undefined && <ErrorMessage error={advance.error} />}
              {open !== undefined && (
                <p role="alert" className="alert">
                  {t('participation.openContributions', { count: open })}
                </p>
              )}
              <p>
                {t('participation.advanceText', {
                  phase: current ? t(`participation.phase.${current}`) : '',
                  date: process.currentPhase ? formatDateTime(process.currentPhase.endsAt, lang) : '',
                })}
              </p>
            </ConfirmDialog>
          </div>
        )}
      </section>
    </>
  );
}

const PROPOSAL_FIELDS = { fields: ['title', 'text', 'rationale', 'goalId', 'fieldOfActionId', 'kind'] };
const NONE = '__none__';


function SubmitProposal({
  process,
  amendGoalId,
  onDone,
}: {
  process: ProcessData;
  /** Opens the form for an amendment of this goal, its current text filled in. */
  amendGoalId?: string;
  onDone: () => void;
}) {
  const { t } = useTranslation();
  const submit = useMutation(SubmitProposalMutation);
  const { fieldErrors } = useErrorText();
  const fields = process.leitbild?.fieldsOfAction ?? [];
  const goals = fields.flatMap((f) => f.goals.flatMap((g) => [g, ...g.children]));
  const startGoal = goals.find((g) => g.id === amendGoalId) ?? goals[0];
  const [kind, setKind] = useState<ProposalKind>('AMEND_GOAL');
  const [goalId, setGoalId] = useState(startGoal?.id ?? '');
  const [fieldId, setFieldId] = useState(fields[0]?.id ?? '');
  const [title, setTitle] = useState(startGoal?.title ?? '');
  const [text, setText] = useState(startGoal?.description ?? '');
  const [open, setOpen] = useState(amendGoalId !== undefined);
  const [formKey, setFormKey] = useState(0);
  const [done, setDone] = useState(false);
  const needsGoal = kind === 'AMEND_GOAL' || kind === 'REMOVE_GOAL';
  const needsField = kind === 'ADD_GOAL' || kind === 'AMEND_FIELD_OF_ACTION' || kind === 'REMOVE_FIELD_OF_ACTION';
  // Goals under their field of action, sub-goals indented, so that the right one is found.
  const goalGroups = fields.map((f) => ({
    id: f.id,
    title: f.title,
    options: f.goals.flatMap((g) => [
      { id: g.id, label: g.title },
      ...g.children.map((c) => ({ id: c.id, label: `– ${c.title}` })),
    ]),
  }));

  /** An amendment starts from the current text, so that only the change is typed. */
  function prefill(nextKind: ProposalKind, nextGoal: string, nextField: string) {
    if (nextKind === 'AMEND_GOAL') {
      const g = goals.find((x) => x.id === nextGoal);
      if (g) {
        setTitle(g.title);
        setText(g.description);
      }
    } else if (nextKind === 'AMEND_FIELD_OF_ACTION') {
      const f = fields.find((x) => x.id === nextField);
      if (f) {
        setTitle(f.title);
        setText(f.description);
      }
    }
  }

  async function onSubmit(e: FormEvent<HTMLFormElement>) {
    e.preventDefault();
    setDone(false);
    const f = new FormData(e.currentTarget);
    const goal = formText(f, 'goalId');
    const field = formText(f, 'fieldOfActionId');
    const r = await submit.run({
      input: {
        processId: process.id,
        kind,
        goalId: goal && goal !== NONE ? goal : null,
        fieldOfActionId: field && field !== NONE ? field : null,
        title: formText(f, 'title').trim(),
        text: formText(f, 'text').trim(),
        rationale: formText(f, 'rationale').trim(),
      },
    });
    if (r) {
      setDone(true);
      setFormKey((k) => k + 1);
      prefill(kind, goalId, fieldId);
      onDone();
    }
  }

  return (
    <div id={SUBMIT_ANCHOR} tabIndex={-1}>
      <Expander title={t('participation.submitProposal')} level={2} isExpanded={open} onExpandedChange={setOpen}>
        {done && (
          <div role="status" className="alert alert-success">
            <p>{t('participation.submitted')}</p>
          </div>
        )}
        <ErrorMessage error={submit.error} mapping={PROPOSAL_FIELDS} />
        <Form
          key={formKey}
          className="form"
          onSubmit={(e) => void onSubmit(e)}
          validationErrors={fieldErrors(submit.error, PROPOSAL_FIELDS)}
        >
          <RadioField
            name="kind"
            label={t('participation.kindLabel')}
            value={kind}
            onChange={(k) => {
              setKind(k as ProposalKind);
              prefill(k as ProposalKind, goalId, fieldId);
            }}
            options={KINDS.map((k) => ({ id: k, label: t(`participation.kind.${k}`) }))}
          />
          {needsGoal && (
            <SelectField
              key="goal"
              name="goalId"
              label={t('participation.goal')}
              value={goalId}
              onChange={(g) => {
                setGoalId(g);
                prefill(kind, g, fieldId);
              }}
              groups={goalGroups}
            />
          )}
          {needsField && (
            <SelectField
              key="field"
              name="fieldOfActionId"
              label={t('participation.field')}
              value={fieldId}
              onChange={(f) => {
                setFieldId(f);
                prefill(kind, goalId, f);
              }}
              options={fields.map((f) => ({ id: f.id, label: f.title }))}
            />
          )}
          {kind === 'ADD_GOAL' && (
            <SelectField
              key="parent"
              name="goalId"
              label={t('participation.parentGoal')}
              defaultValue={NONE}
              groups={[
                { id: NONE, title: t('participation.parentNoneGroup'), options: [{ id: NONE, label: t('participation.parentNone') }] },
                ...goalGroups,
              ]}
            />
          )}
          <TextInput name="title" label={t('participation.proposalTitle')} value={title} onChange={setTitle} isRequired />
          <TextArea
            name="text"
            label={t('participation.proposalText')}
            value={text}
            onChange={setText}
            description={kind === 'AMEND_GOAL' || kind === 'AMEND_FIELD_OF_ACTION' ? t('participation.prefilledHint') : undefined}
          />
          <TextArea name="rationale" label={t('participation.rationale')} />
          <Button type="submit" className="btn" isPending={submit.pending}>
            {t('participation.submitProposalButton')}
          </Button>
        </Form>
      </Expander>
    </div>
  );
}

/** Changes whenever the process moves on, so that the Abwägung table is read again. */
function processStamp(p: ProcessData): string {
  return [p.status, p.currentPhase?.kind ?? '', ...p.proposals.map((x) => `${x.id}:${x.status}:${x.commentCount}`)].join('|');
}

/** The rendered (server-sanitised) Markdown of the comments on this page, by id. */
function commentHtmlOf(p: ProcessData): Map<string, string> {
  const out = new Map<string, string>();
  for (const prop of p.proposals) {
    for (const c of prop.comments) {
      if (c.bodyHtml) out.set(c.id, c.bodyHtml);
      for (const r of c.replies) if (r.bodyHtml) out.set(r.id, r.bodyHtml);
    }
  }
  return out;
}

function Dispositions({
  processId,
  coordinator,
  onChange,
  stamp,
  commentHtml,
}: {
  processId: string;
  coordinator: boolean;
  onChange: () => void;
  stamp: string;
  commentHtml: Map<string, string>;
}) {
  const { t, i18n } = useTranslation();
  const q = useQuery(DispositionsQuery, { processId });
  const refetch = q.refetch;
  const rows = q.data?.dispositions ?? [];
  // The table is its own query: read it again when the process changes (phase, votes, comments).
  const first = useRef(true);
  useEffect(() => {
    if (first.current) {
      first.current = false;
      return;
    }
    refetch();
  }, [stamp, refetch]);
  return (
    <section aria-labelledby="dispositions-heading">
      <h2 id="dispositions-heading">{t('participation.dispositions')}</h2>
      <p className="inline-actions">
        <a className="btn btn-secondary" href={`/api/processes/${processId}/dispositions.csv`} download>
          {t('participation.downloadCsv')}
        </a>
        <a className="btn btn-secondary" href={`/api/processes/${processId}/dispositions.xlsx`} download>
          {t('participation.downloadXlsx')}
        </a>
      </p>
      <ErrorMessage error={q.error} />
      {q.data && rows.length === 0 && <p>{t('participation.noDispositions')}</p>}
      {rows.length > 0 && (
        <div className="table-wrap" tabIndex={0} role="region" aria-labelledby="dispositions-heading">
          <table className="reflow-table dispositions-table">
            <thead>
              <tr>
                <th scope="col">{t('participation.dispKind')}</th>
                <th scope="col">{t('participation.dispText')}</th>
                <th scope="col">{t('participation.dispAuthor')}</th>
                <th scope="col">{t('participation.dispDate')}</th>
                <th scope="col">{t('participation.dispStatus')}</th>
                <th scope="col">{t('participation.dispDecision')}</th>
                {coordinator && (
                  <th scope="col">{t('disposition.actions')}</th>
                )}
              </tr>
            </thead>
            <tbody>
              {rows.map((r) => (
                <tr key={r.subjectId}>
                  <td data-label={t('participation.dispKind')}>
                    <a href={`#${r.subjectKind === 'PROPOSAL' ? 'proposal' : 'comment'}-${r.subjectId}`}>
                      {t(`participation.subject.${r.subjectKind}`)}
                    </a>
                  </td>
                  <td data-label={t('participation.dispText')}>
                    {r.hidden ? (
                      <em>{t('participation.hidden')}</em>
                    ) : commentHtml.has(r.subjectId) ? (
                      // Rendered from Markdown and sanitised by the server, as in the thread.
                      <div className="disposition-text" dangerouslySetInnerHTML={{ __html: commentHtml.get(r.subjectId) ?? '' }} />
                    ) : (
                      r.text
                    )}
                  </td>
                  <td data-label={t('participation.dispAuthor')}>
                    {r.authorName}
                    {r.organizationName && <> ({r.organizationName})</>}
                  </td>
                  <td data-label={t('participation.dispDate')}>{formatDate(r.submittedAt, i18n.language)}</td>
                  <td data-label={t('participation.dispStatus')}>
                    {r.proposalStatus ? t(`participation.proposalStatus.${r.proposalStatus}`) : '–'}
                  </td>
                  <td data-label={t('participation.dispDecision')}>
                    {r.disposition ? (
                      <>
                        <strong>{t(`participation.decision.${r.disposition.decision}`)}</strong>: {r.disposition.reason}
                        {r.disposition.link && (
                          <>
                            {' '}
                            <DispositionLink link={r.disposition.link} />
                          </>
                        )}
                        <br />
                        <span className="field-description">
                          {t('disposition.decidedBy', {
                            name: r.disposition.decidedBy?.name ?? t('participation.formerParticipant'),
                            date: formatDate(r.disposition.updatedAt, i18n.language),
                          })}
                        </span>
                      </>
                    ) : (
                      t('participation.undecided')
                    )}
                  </td>
                  {coordinator && (
                    <td data-label={t('disposition.actions')}>
                      <DispositionDialog
                        subjectId={r.subjectId}
                        subjectLabel={`${t(`participation.subject.${r.subjectKind}`)}: ${shorten(r.text)}`}
                        current={r.disposition}
                        onDone={() => {
                          refetch();
                          onChange();
                        }}
                      />
                    </td>
                  )}
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}

function shorten(text: string): string {
  return text.length > 80 ? `${text.slice(0, 80)}…` : text;
}

/** The change a contribution caused: a URL as a link, an id in the draft as plain text. */
function DispositionLink({ link }: { link: string }) {
  const { t } = useTranslation();
  if (/^https?:\/\//i.test(link)) {
    return (
      <a href={link} rel="noreferrer noopener">
        {t('disposition.linkShort')}
      </a>
    );
  }
  return <span className="field-description">({link})</span>;
}
