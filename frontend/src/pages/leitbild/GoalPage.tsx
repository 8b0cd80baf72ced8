import { useEffect, useState, type FormEvent } from 'react';
import { Button, Form } from 'react-aria-components';
import { useTranslation } from 'react-i18next';
import { Link, useParams } from 'react-router';
import { ErrorMessage } from '../../components/ErrorMessage';
import { SelectField, TextInput } from '../../components/fields';
import { TextArea } from '../../components/TextArea';
import { PageHeading } from '../../components/PageHeading';
import { QueryView } from '../../components/QueryView';
import { request, RequestError } from '../../lib/client';
import { useErrorText } from '../../lib/errors';
import { formText } from '../../lib/form';
import { formatDateTime } from '../../lib/format';
import { useMutation, useQuery } from '../../lib/hooks';
import { canCoordinate, useUser } from '../../session/context';
import { NotFoundPage } from '../NotFoundPage';
import { CommentThread } from '../participation/Comments';
import { TargetCommentsQuery } from '../participation/operations';
import { SUBMIT_ANCHOR } from '../participation/submitAnchor';
import { Expander } from '../../components/Expander';
import { EditionHeadQuery, GoalDiffQuery, GoalQuery, UpdateGoalMutation } from './operations';
import { DiffLegend, WordDiff } from '../../components/WordDiff';
import './leitbild.css';

export function GoalPage() {
  const { id = '', goalId = '' } = useParams();
  const { t, i18n } = useTranslation();
  const user = useUser();
  const edition = useQuery(EditionHeadQuery, { id });
  const q = useQuery(GoalQuery, { id: goalId });
  const editable = canCoordinate(user) && edition.data?.leitbild?.status === 'DRAFT';
  const process = edition.data?.leitbild?.process;
  const phase = process?.currentPhase?.kind;
  const proposalsOpen = process?.status === 'ACTIVE' && (phase === 'DRAFTING' || phase === 'CONSULTATION');

  return (
    <QueryView
      query={q}
      select={(d) => d.goal}
      heading={(goal) => (
        <>
          <PageHeading title={goal ? goal.title : t('leitbildView.goal')} />
          <p>
            <Link to={`/leitbild/${id}`}>
              {edition.data?.leitbild
                ? t('leitbildView.backTo', { title: `${edition.data.leitbild.title} (${edition.data.leitbild.year})` })
                : t('leitbildView.back')}
            </Link>
          </p>
        </>
      )}
      notFound={<NotFoundPage />}
    >
      {(goal) => (
        <>
          <p data-quotable>{goal.description}</p>
          <p className="field-description">{t('leitbildView.versionNo', { version: goal.version })}</p>
          {proposalsOpen && process && (
            <p>
              <Link className="btn" to={`/prozesse/${process.id}?aendern=${goal.id}#${SUBMIT_ANCHOR}`}>
                {t('participation.proposeChange')}
              </Link>
            </p>
          )}
          {editable && <EditGoal goal={goal} onSaved={q.refetch} />}
          <GoalComments
            goalId={goal.id}
            canComment={edition.data?.leitbild?.process?.status === 'ACTIVE'}
            canModerate={canCoordinate(user)}
          />
          <section aria-labelledby="history-heading">
            <h2 id="history-heading">{t('leitbildView.history')}</h2>
            <ol>
              {goal.versions.map((v) => (
                <li key={v.version}>
                  {t('leitbildView.versionNo', { version: v.version })} – {formatDateTime(v.createdAt, i18n.language)}
                  {v.author && <> – {v.author.name}</>}
                  {v.proposalId && <> – {t('leitbildView.byProposal')}</>}: <strong>{v.title}</strong>
                </li>
              ))}
            </ol>
            {goal.versions.length > 1 && (
              <DiffSection goalId={goal.id} versions={goal.versions.map((v) => v.version)} />
            )}
          </section>
        </>
      )}
    </QueryView>
  );
}

/** Comments on the goal (open while the edition's process runs). */
function GoalComments({ goalId, canComment, canModerate }: { goalId: string; canComment: boolean; canModerate: boolean }) {
  const q = useQuery(TargetCommentsQuery, { targetId: goalId });
  const comments = q.data?.comments.edges.map((e) => e.node) ?? [];
  if (!canComment && comments.length === 0) return null;
  return (
    <>
      <ErrorMessage error={q.error} />
      <CommentThread
        targetId={goalId}
        comments={comments}
        total={comments.length}
        canComment={canComment}
        canModerate={canModerate}
        onChange={q.refetch}
        headingLevel={2}
      />
    </>
  );
}

function DiffSection({ goalId, versions }: { goalId: string; versions: number[] }) {
  const { t } = useTranslation();
  const last = versions[versions.length - 1] ?? 1;
  const [range, setRange] = useState({ from: versions[versions.length - 2] ?? last, to: last });
  const diff = useQuery(GoalDiffQuery, { goalId, from: range.from, to: range.to });
  const options = versions.map((v) => ({ id: String(v), label: t('leitbildView.versionNo', { version: v }) }));
  function onSubmit(e: FormEvent<HTMLFormElement>) {
    e.preventDefault();
    const data = new FormData(e.currentTarget);
    setRange({ from: Number(formText(data, 'from')), to: Number(formText(data, 'to')) });
  }
  return (
    <section aria-labelledby="diff-heading">
      <h3 id="diff-heading">{t('leitbildView.diffHeading', { from: range.from, to: range.to })}</h3>
      <Form className="form diff-form" onSubmit={onSubmit}>
        <SelectField name="from" label={t('leitbildView.diffFrom')} options={options} defaultValue={String(range.from)} />
        <SelectField name="to" label={t('leitbildView.diffTo')} options={options} defaultValue={String(range.to)} />
        <Button type="submit" className="btn btn-secondary">
          {t('leitbildView.diffShow')}
        </Button>
      </Form>
      <DiffLegend />
      <ErrorMessage error={diff.error} />
      {diff.data && <WordDiff segments={diff.data.goalDiff} label={t('leitbildView.diffLabel')} />}
    </section>
  );
}

const GOAL_FIELDS = { fields: ['title', 'description'] };

interface GoalText {
  id: string;
  title: string;
  description: string;
  version: number;
}

function EditGoal({ goal, onSaved }: { goal: GoalText; onSaved: () => void }) {
  const { t } = useTranslation();
  const update = useMutation(UpdateGoalMutation);
  const { fieldErrors } = useErrorText();
  // After a CONFLICT: the text someone else saved meanwhile, and the version to edit on now.
  const [current, setCurrent] = useState<GoalText | null>(null);
  const [saved, setSaved] = useState(false);

  async function onSubmit(e: FormEvent<HTMLFormElement>) {
    e.preventDefault();
    setSaved(false);
    const data = new FormData(e.currentTarget);
    const r = await update.run({
      input: {
        goalId: goal.id,
        title: formText(data, 'title').trim(),
        description: formText(data, 'description').trim(),
        expectedVersion: (current ?? goal).version,
      },
    });
    if (r) {
      setCurrent(null);
      setSaved(true);
      onSaved();
    }
  }

  // Fetch the current text when the server says the edit was made on an old version.
  const conflict = update.error instanceof RequestError && update.error.hasCode('CONFLICT');
  useEffect(() => {
    if (!conflict) return;
    let cancelled = false;
    request(GoalQuery, { id: goal.id }).then(
      (d) => {
        if (!cancelled && d.goal) setCurrent(d.goal);
      },
      () => undefined,
    );
    return () => {
      cancelled = true;
    };
  }, [conflict, update.error, goal.id]);

  return (
    <Expander title={t('leitbildView.editGoal')} level={2}>
      {saved && (
        <div role="status" className="alert alert-success">
          <p>{t('leitbildView.saved')}</p>
        </div>
      )}
      {conflict ? (
        <div role="alert" className="alert alert-error">
          <p>{t('leitbildView.conflict')}</p>
          {current && (
            <>
              <p>
                {t('leitbildView.currentText', { version: current.version })}: <strong>{current.title}</strong>
              </p>
              <p>{current.description}</p>
            </>
          )}
        </div>
      ) : (
        <ErrorMessage error={update.error} mapping={GOAL_FIELDS} />
      )}
      <Form className="form" onSubmit={(e) => void onSubmit(e)} validationErrors={fieldErrors(update.error, GOAL_FIELDS)}>
        <TextInput name="title" label={t('leitbildView.goalTitle')} defaultValue={goal.title} isRequired />
        <TextArea name="description" label={t('leitbildView.description')} defaultValue={goal.description} />
        <Button type="submit" className="btn" isPending={update.pending}>
          {t('leitbildView.save')}
        </Button>
      </Form>
    </Expander>
  );
}
