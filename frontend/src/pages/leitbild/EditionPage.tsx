import { useRef, type FormEvent, type ReactNode } from 'react';
import { Button, Form } from 'react-aria-components';
import { useTranslation } from 'react-i18next';
import { Link, useParams } from 'react-router';
import { ErrorMessage } from '../../components/ErrorMessage';
import { SelectField, TextInput } from '../../components/fields';
import { TextArea } from '../../components/TextArea';
import { PageHeading } from '../../components/PageHeading';
import { QueryView } from '../../components/QueryView';
import { useErrorText } from '../../lib/errors';
import { formText } from '../../lib/form';
import { useMutation, useQuery } from '../../lib/hooks';
import { NotFoundPage } from '../NotFoundPage';
import { canCoordinate, useUser } from '../../session/context';
import type { EditionViewQuery } from '../../gql/graphql';
import { Expander } from '../../components/Expander';
import { AdoptEdition, MoveButtons, useReorder } from './EditionAdmin';
import { AddFieldMutation, AddGoalMutation, EditionQuery } from './operations';
import './leitbild.css';
import { editionStatus } from './editionStatus';

type Field = NonNullable<EditionViewQuery['leitbild']>['fieldsOfAction'][number];
const NO_PARENT = '__none__';
const FIELDS = { fields: ['title', 'description', 'parentGoalId'] };

export function EditionPage() {
  const { id = '' } = useParams();
  const { t, i18n } = useTranslation();
  const user = useUser();
  const q = useQuery(EditionQuery, { id });
  const edition = q.data?.leitbild;
  const fieldIds = edition?.fieldsOfAction.map((f) => f.id) ?? [];
  const reorder = useReorder(edition?.id ?? '', fieldIds, q.refetch);
  const editable = canCoordinate(user) && edition?.status === 'DRAFT';
  const adoptable = editable && edition?.process?.status !== 'ACTIVE';

  return (
    <article className="print-doc">
      <QueryView
        query={q}
        select={(d) => d.leitbild}
        heading={(e) => <PageHeading title={e ? `${e.title} (${e.year})` : t('leitbild.title')} />}
        notFound={<NotFoundPage />}
      >
        {(edition) => (
          <>
            <p className="no-print">
              <Link to="/leitbild">{t('leitbildView.back')}</Link>
            </p>
            <p>
              <span className="status-badge">{editionStatus(t, edition.status, edition.adoptedAt, i18n.language)}</span>
              {edition.resolutionReference && <> · {edition.resolutionReference}</>}
              {edition.basedOn && (
                <span className="no-print">
                  {' '}
                  · {t('leitbildView.basedOnYear', { year: edition.basedOn.year })}
                </span>
              )}
            </p>
            {edition.process && (
              <p className="no-print">
                {t('leitbildView.process')}: <Link to={`/prozesse/${edition.process.id}`}>{edition.process.title}</Link>
              </p>
            )}
            {edition.status === 'ADOPTED' && (
              <p className="no-print">
                <Button className="btn btn-secondary" onPress={() => window.print()}>
                  {t('leitbildView.print')}
                </Button>
              </p>
            )}
            {adoptable && <AdoptEdition leitbildId={edition.id} title={edition.title} onDone={q.refetch} />}
            {editable && <AddFieldForm leitbildId={edition.id} onDone={q.refetch} />}
            {editable && (
              <>
                <p role="status" className="visually-hidden">
                  {reorder.announce}
                </p>
                <ErrorMessage error={reorder.error} />
              </>
            )}
            {edition.fieldsOfAction.length === 0 && <p>{t('leitbildView.noFields')}</p>}
            {edition.fieldsOfAction.map((f, i) => (
              <FieldSection
                key={f.id}
                field={f}
                index={i + 1}
                editionId={edition.id}
                editable={editable}
                onChange={q.refetch}
                move={
                  editable ? (
                    <MoveButtons
                      id={f.id}
                      title={f.title}
                      index={i}
                      count={edition.fieldsOfAction.length}
                      pending={reorder.pending}
                      onMove={(dir) =>
                        void reorder.move(f.id, dir, (position) =>
                          t('leitbildAdmin.moved', { title: f.title, position }),
                        )
                      }
                    />
                  ) : undefined
                }
              />
            ))}
          </>
        )}
      </QueryView>
    </article>
  );
}

function FieldSection({
  field,
  index,
  editionId,
  editable,
  onChange,
  move,
}: {
  field: Field;
  index: number;
  editionId: string;
  editable: boolean;
  onChange: () => void;
  move?: ReactNode;
}) {
  const { t } = useTranslation();
  const headingId = `field-${field.id}`;
  return (
    <section aria-labelledby={headingId}>
      <div className="field-head">
        <h2 id={headingId}>
          {index}. {field.title}
        </h2>
        {move}
      </div>
      {field.description && <p>{field.description}</p>}
      {field.goals.length === 0 ? (
        <p className="no-print">{t('leitbildView.noGoals')}</p>
      ) : (
        <ol className="goal-list">
          {field.goals.map((g) => (
            <li key={g.id}>
              <h3>
                <GoalLink editionId={editionId} id={g.id} title={g.title} />
              </h3>
              {g.description && <p>{g.description}</p>}
              {g.children.length > 0 && (
                <ol className="goal-list" aria-label={t('leitbildView.subGoalsOf', { title: g.title })}>
                  {g.children.map((c) => (
                    <li key={c.id}>
                      <h4>
                        <GoalLink editionId={editionId} id={c.id} title={c.title} />
                      </h4>
                      {c.description && <p>{c.description}</p>}
                    </li>
                  ))}
                </ol>
              )}
            </li>
          ))}
        </ol>
      )}
      {editable && <AddGoalForm field={field} onDone={onChange} />}
    </section>
  );
}

function GoalLink({ editionId, id, title }: { editionId: string; id: string; title: string }) {
  return <Link to={`/leitbild/${editionId}/ziele/${id}`}>{title}</Link>;
}

function AddFieldForm({ leitbildId, onDone }: { leitbildId: string; onDone: () => void }) {
  const { t } = useTranslation();
  const add = useMutation(AddFieldMutation);
  const { fieldErrors } = useErrorText();
  const ref = useRef<HTMLFormElement>(null);
  async function onSubmit(e: FormEvent<HTMLFormElement>) {
    e.preventDefault();
    const data = new FormData(e.currentTarget);
    const r = await add.run({
      input: { leitbildId, title: formText(data, 'title').trim(), description: formText(data, 'description').trim() },
    });
    if (r) {
      ref.current?.reset();
      onDone();
    }
  }
  return (
    <Expander title={t('leitbildView.addField')} level={2}>
      <ErrorMessage error={add.error} mapping={FIELDS} />
      <Form ref={ref} className="form" onSubmit={(e) => void onSubmit(e)} validationErrors={fieldErrors(add.error, FIELDS)}>
        <TextInput name="title" label={t('leitbildView.fieldTitle')} isRequired />
        <TextArea name="description" label={t('leitbildView.description')} />
        <Button type="submit" className="btn" isPending={add.pending}>
          {t('leitbildView.addFieldSubmit')}
        </Button>
      </Form>
    </Expander>
  );
}

function AddGoalForm({ field, onDone }: { field: Field; onDone: () => void }) {
  const { t } = useTranslation();
  const add = useMutation(AddGoalMutation);
  const { fieldErrors } = useErrorText();
  const ref = useRef<HTMLFormElement>(null);
  async function onSubmit(e: FormEvent<HTMLFormElement>) {
    e.preventDefault();
    const data = new FormData(e.currentTarget);
    const parent = formText(data, 'parentGoalId');
    const r = await add.run({
      input: {
        fieldOfActionId: field.id,
        parentGoalId: parent && parent !== NO_PARENT ? parent : null,
        title: formText(data, 'title').trim(),
        description: formText(data, 'description').trim(),
      },
    });
    if (r) {
      ref.current?.reset();
      onDone();
    }
  }
  return (
    <Expander title={t('leitbildView.addGoalTo', { field: field.title })} level={3}>
      <ErrorMessage error={add.error} mapping={FIELDS} />
      <Form ref={ref} className="form" onSubmit={(e) => void onSubmit(e)} validationErrors={fieldErrors(add.error, FIELDS)}>
        <TextInput name="title" label={t('leitbildView.goalTitle')} isRequired />
        <TextArea name="description" label={t('leitbildView.description')} />
        {field.goals.length > 0 && (
          <SelectField
            name="parentGoalId"
            label={t('leitbildView.parentGoal')}
            defaultValue={NO_PARENT}
            options={[
              { id: NO_PARENT, label: t('leitbildView.parentNone') },
              ...field.goals.map((g) => ({ id: g.id, label: g.title })),
            ]}
          />
        )}
        <Button type="submit" className="btn" isPending={add.pending}>
          {t('leitbildView.addGoalSubmit')}
        </Button>
      </Form>
    </Expander>
  );
}
