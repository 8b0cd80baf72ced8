import { useState, type FormEvent } from 'react';
import { Button, Checkbox, Form } from 'react-aria-components';
import { useTranslation } from 'react-i18next';
import { Link, useNavigate } from 'react-router';
import { Expander } from '../../components/Expander';
import { DateField } from '../../components/DateField';
import { ErrorMessage } from '../../components/ErrorMessage';
import { CheckboxField, RadioField, SelectField, TextInput } from '../../components/fields';
import { PageHeading } from '../../components/PageHeading';
import { QueryView } from '../../components/QueryView';
import { useErrorText } from '../../lib/errors';
import { formText, formTexts } from '../../lib/form';
import { formatDate } from '../../lib/format';
import { useMutation, useQuery } from '../../lib/hooks';
import { byName } from '../../lib/labels';
import { canCoordinate, useUser } from '../../session/context';
import type { ProcessListQuery } from '../../gql/graphql';
import { isoDay, phasesFrom, PHASES } from './phases';
import { ProcessesQuery, StartProcessMutation } from './operations';
import '../leitbild/leitbild.css';

const START_FIELDS = { fields: ['leitbildId', 'title', 'phases', 'quorum', 'threshold', 'participantOrganizationIds'] };

export function ProcessesPage() {
  const { t, i18n } = useTranslation();
  const user = useUser();
  const q = useQuery(ProcessesQuery);
  const editions = q.data?.leitbilder ?? [];
  const processes = editions.flatMap((e) => (e.process ? [{ ...e.process, edition: e }] : []));

  return (
    <>
      <PageHeading title={t('processes.title')} />
      <p className="lead">{t('processes.intro')}</p>
      {canCoordinate(user) && q.data && <StartProcess data={q.data} />}
      <section aria-labelledby="processes-heading">
        <h2 id="processes-heading">{t('participation.list')}</h2>
        <QueryView query={q}>
          {() => (
            <>
              {processes.length === 0 && <p>{t('participation.none')}</p>}
              <ul className="card-list">
                {processes.map((p) => (
                  <li key={p.id} className="card">
                    <h3>
                      <Link to={`/prozesse/${p.id}`}>{p.title}</Link>
                    </h3>
                    <p>
                      <span className="status-badge">{t(`participation.processStatus.${p.status}`)}</span>{' '}
                      {t('participation.onEdition', { title: p.edition.title, year: p.edition.year })}
                    </p>
                    {p.currentPhase && (
                      <p>
                        {t('participation.currentPhase')}: {t(`participation.phase.${p.currentPhase.kind}`)} –{' '}
                        {t('participation.until', { date: formatDate(p.currentPhase.endsAt, i18n.language) })}
                      </p>
                    )}
                  </li>
                ))}
              </ul>
            </>
          )}
        </QueryView>
      </section>
    </>
  );
}

function StartProcess({ data }: { data: ProcessListQuery }) {
  const { t, i18n } = useTranslation();
  const start = useMutation(StartProcessMutation);
  const { fieldErrors } = useErrorText();
  const navigate = useNavigate();
  const [sectorMajority, setSectorMajority] = useState(true);
  const drafts = data.leitbilder.filter((e) => e.status === 'DRAFT' && !e.process);
  const orgs = [...data.organizations].sort(byName(i18n.language));
  const today = new Date();
  const defaults = [0, 14, 28, 42, 56].map((d) => isoDay(new Date(today.getFullYear(), today.getMonth(), today.getDate() + d)));

  async function onSubmit(e: FormEvent<HTMLFormElement>) {
    e.preventDefault();
    const f = new FormData(e.currentTarget);
    const days = [0, 1, 2, 3, 4].map((i) => formText(f, `day${i}`));
    const ref = formText(f, 'resolutionReference').trim();
    const r = await start.run({
      input: {
        leitbildId: formText(f, 'leitbildId'),
        title: formText(f, 'title').trim(),
        resolutionReference: ref || null,
        phases: phasesFrom(days),
        votingRule: {
          eligibility: formText(f, 'eligibility') === 'PERSON' ? 'PERSON' : 'ORGANIZATION',
          quorum: Number(formText(f, 'quorum').replace(',', '.')) / 100,
          threshold: Number(formText(f, 'threshold').replace(',', '.')) / 100,
          sectorMajority,
        },
        participantOrganizationIds: formTexts(f, 'participantOrganizationIds'),
      },
    });
    if (r) void navigate(`/prozesse/${r.startProcess.id}`);
  }

  return (
    <Expander title={t('participation.start')}>
      {drafts.length === 0 ? (
        <p>{t('participation.noDrafts')}</p>
      ) : (
        <>
          <ErrorMessage error={start.error} mapping={START_FIELDS} />
          <Form className="form" onSubmit={(e) => void onSubmit(e)} validationErrors={fieldErrors(start.error, START_FIELDS)}>
            <SelectField
              name="leitbildId"
              label={t('participation.edition')}
              defaultValue={drafts[0]?.id}
              options={drafts.map((d) => ({ id: d.id, label: `${d.title} (${d.year})` }))}
            />
            <TextInput name="title" label={t('participation.processTitle')} isRequired />
            <TextInput name="resolutionReference" label={t('participation.resolutionReference')} />
            <fieldset className="field">
              <legend>{t('participation.phaseDates')}</legend>
              {PHASES.map((kind, i) => (
                <DateField
                  key={kind}
                  name={`day${i}`}
                  isRequired
                  defaultValue={defaults[i]}
                  label={t('participation.phaseStarts', { phase: t(`participation.phase.${kind}`) })}
                />
              ))}
              <DateField name="day4" isRequired defaultValue={defaults[4]} label={t('participation.processEnds')} />
            </fieldset>
            <RadioField
              name="eligibility"
              label={t('participation.eligibility')}
              defaultValue="ORGANIZATION"
              options={[
                { id: 'ORGANIZATION', label: t('participation.eligibilityKind.ORGANIZATION') },
                { id: 'PERSON', label: t('participation.eligibilityKind.PERSON') },
              ]}
            />
            <TextInput name="quorum" label={t('participation.quorum')} inputMode="decimal" defaultValue="50" isRequired />
            <TextInput name="threshold" label={t('participation.threshold')} inputMode="decimal" defaultValue="50" isRequired />
            <Checkbox isSelected={sectorMajority} onChange={setSectorMajority}>
              <span className="checkbox-box" aria-hidden="true" />
              {t('participation.sectorMajority')}
            </Checkbox>
            <CheckboxField
              name="participantOrganizationIds"
              label={t('participation.participants')}
              options={orgs.map((o) => ({ id: o.id, label: `${o.name} (${t(`sector.${o.sector}`)})` }))}
              empty={<p>{t('participation.noOrganizations')}</p>}
              selectAllLabel={{ all: t('participation.selectAll'), none: t('participation.selectNone') }}
            />
            <Button type="submit" className="btn" isPending={start.pending}>
              {t('participation.startSubmit')}
            </Button>
          </Form>
        </>
      )}
    </Expander>
  );
}
