import { useRef, useState, type FormEvent } from 'react';
import { Button, Form } from 'react-aria-components';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { Expander } from '../../components/Expander';
import { ErrorMessage } from '../../components/ErrorMessage';
import { QueryView } from '../../components/QueryView';
import { RadioField, SelectField, TextInput } from '../../components/fields';
import { useErrorText } from '../../lib/errors';
import { formText } from '../../lib/form';
import { useMutation, useQuery } from '../../lib/hooks';
import { byName, isSector, SECTORS } from '../../lib/labels';
import { CreateOrganizationMutation, OrganizationsQuery } from './operations';

const NO_PARENT = '__none__';
const ORG_FIELDS = { fields: ['name', 'sector', 'parentId'], conflictField: 'name' };

export function OrganizationsPanel() {
  const { t, i18n } = useTranslation();
  const orgs = useQuery(OrganizationsQuery);
  const create = useMutation(CreateOrganizationMutation);
  const { fieldErrors } = useErrorText();
  const [created, setCreated] = useState<string | null>(null);
  const formRef = useRef<HTMLFormElement>(null);

  const list = [...(orgs.data?.organizations ?? [])].sort(byName(i18n.language));

  async function onSubmit(e: FormEvent<HTMLFormElement>) {
    e.preventDefault();
    setCreated(null);
    const data = new FormData(e.currentTarget);
    const sector = data.get('sector');
    const parent = formText(data, 'parentId');
    const result = await create.run({
      input: {
        name: formText(data, 'name').trim(),
        sector: isSector(sector) ? sector : 'ADMINISTRATION',
        parentId: parent && parent !== NO_PARENT ? parent : null,
      },
    });
    if (result) {
      setCreated(result.createOrganization.name);
      // Reset in place (not by remounting) so that focus stays on the submit button.
      formRef.current?.reset();
      orgs.refetch();
    }
  }

  return (
    <div className="panel-stack">
      <Expander title={t('organizations.create')}>
        <ErrorMessage error={create.error} mapping={ORG_FIELDS} />
        <Form
          ref={formRef}
          className="form"
          onSubmit={(e) => void onSubmit(e)}
          validationErrors={fieldErrors(create.error, ORG_FIELDS)}
        >
          <TextInput name="name" label={t('organizations.name')} isRequired />
          <RadioField
            name="sector"
            label={t('organizations.sector')}
            isRequired
            defaultValue="ADMINISTRATION"
            options={SECTORS.map((s) => ({ id: s, label: t(`sector.${s}`) }))}
          />
          <SelectField
            name="parentId"
            label={t('organizations.parent')}
            defaultValue={NO_PARENT}
            options={[
              { id: NO_PARENT, label: t('organizations.noParent') },
              ...list.map((o) => ({ id: o.id, label: o.name })),
            ]}
          />
          <Button type="submit" className="btn" isPending={create.pending}>
            {t('organizations.submit')}
          </Button>
        </Form>
      </Expander>
      <section aria-labelledby="orgs-list">
        <h2 id="orgs-list">{t('organizations.list')}</h2>
        {created && (
          <p role="status" className="alert alert-success">
            {t('organizations.created', { name: created })}
          </p>
        )}
        <QueryView query={orgs}>
          {() => (
            <>
              {list.length === 0 && <p>{t('organizations.empty')}</p>}
              {list.length > 0 && (
                <div className="table-wrap" tabIndex={0} role="region" aria-labelledby="orgs-list">
                  <table>
                    <thead>
                      <tr>
                        <th scope="col">{t('organizations.name')}</th>
                        <th scope="col">{t('organizations.sector')}</th>
                        <th scope="col">{t('organizations.parent')}</th>
                        <th scope="col">{t('organizations.members')}</th>
                        <th scope="col">{t('audit.history')}</th>
                      </tr>
                    </thead>
                    <tbody>
                      {list.map((o) => (
                        <tr key={o.id}>
                          <th scope="row">{o.name}</th>
                          <td>{t(`sector.${o.sector}`)}</td>
                          <td>{o.parent?.name ?? '–'}</td>
                          <td>{o.members.length}</td>
                          <td>
                            <Link
                              to={`/koordination?tab=protokoll&entity=${o.id}`}
                              aria-label={t('audit.historyOf', { name: o.name })}
                            >
                              {t('audit.history')}
                            </Link>
                          </td>
                        </tr>
                      ))}
                    </tbody>
                  </table>
                </div>
              )}
            </>
          )}
        </QueryView>
      </section>
    </div>
  );
}
