import { type FormEvent } from 'react';
import { Button, Form } from 'react-aria-components';
import { useTranslation } from 'react-i18next';
import { Link, useNavigate } from 'react-router';
import { Expander } from '../../components/Expander';
import { ErrorMessage } from '../../components/ErrorMessage';
import { SelectField, TextInput } from '../../components/fields';
import { PageHeading } from '../../components/PageHeading';
import { QueryView } from '../../components/QueryView';
import { useErrorText } from '../../lib/errors';
import { formText } from '../../lib/form';
import { useMutation, useQuery } from '../../lib/hooks';
import { canCoordinate, useUser } from '../../session/context';
import { CreateLeitbildMutation, LeitbilderQuery } from './operations';
import './leitbild.css';
import { editionStatus } from './editionStatus';

const NONE = '__none__';
const FIELDS = { fields: ['title', 'year', 'basedOnId'] };

export function LeitbildListPage() {
  const { t, i18n } = useTranslation();
  const user = useUser();
  const list = useQuery(LeitbilderQuery);
  const create = useMutation(CreateLeitbildMutation);
  const { fieldErrors } = useErrorText();
  const navigate = useNavigate();
  const editions = list.data?.leitbilder ?? [];
  const adopted = editions.filter((e) => e.status === 'ADOPTED');

  async function onSubmit(e: FormEvent<HTMLFormElement>) {
    e.preventDefault();
    const data = new FormData(e.currentTarget);
    const basedOn = formText(data, 'basedOnId');
    const result = await create.run({
      input: {
        title: formText(data, 'title').trim(),
        year: Number(formText(data, 'year')),
        basedOnId: basedOn && basedOn !== NONE ? basedOn : null,
      },
    });
    if (result) void navigate(`/leitbild/${result.createLeitbild.id}`);
  }

  return (
    <>
      <PageHeading title={t('leitbild.title')} />
      <p className="lead">{t('leitbild.intro')}</p>
      {canCoordinate(user) && (
        <Expander title={t('leitbildView.create')}>
          <ErrorMessage error={create.error} mapping={FIELDS} />
          <Form className="form" onSubmit={(e) => void onSubmit(e)} validationErrors={fieldErrors(create.error, FIELDS)}>
            <TextInput name="title" label={t('leitbildView.editionTitle')} isRequired />
            <TextInput
              name="year"
              label={t('leitbildView.year')}
              type="number"
              inputMode="numeric"
              isRequired
              defaultValue={String(new Date().getFullYear() + 1)}
            />
            <SelectField
              // The editions load after the form is mounted: take the adopted one once it is known.
              key={adopted[0]?.id ?? NONE}
              name="basedOnId"
              label={t('leitbildView.basedOn')}
              defaultValue={adopted[0]?.id ?? NONE}
              options={[
                { id: NONE, label: t('leitbildView.basedOnNone') },
                ...adopted.map((a) => ({ id: a.id, label: `${a.title} (${a.year})` })),
              ]}
            />
            <Button type="submit" className="btn" isPending={create.pending}>
              {t('leitbildView.createSubmit')}
            </Button>
          </Form>
        </Expander>
      )}
      <section aria-labelledby="editions-heading">
        <h2 id="editions-heading">{t('leitbildView.editions')}</h2>
        <QueryView query={list}>
          {() => (
            <>
              {editions.length === 0 && <p>{t('leitbildView.noEditions')}</p>}
              <ul className="card-list">
                {editions.map((e) => (
                  <li key={e.id} className="card">
                    <h3>
                      <Link to={`/leitbild/${e.id}`}>
                        {e.title} ({e.year})
                      </Link>
                    </h3>
                    <p>
                      <span className="status-badge">{editionStatus(t, e.status, e.adoptedAt, i18n.language)}</span>
                      {e.basedOn && <> · {t('leitbildView.basedOnYear', { year: e.basedOn.year })}</>}
                    </p>
                    {e.process && (
                      <p>
                        {t('leitbildView.process')}: <Link to={`/prozesse/${e.process.id}`}>{e.process.title}</Link> (
                        {t(`participation.processStatus.${e.process.status}`)})
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
