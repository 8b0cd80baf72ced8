// The coordination's district list (official code, name, the district it lies in) and the
// one upload of their boundaries as GeoJSON, with what the upload matched and missed.
import { useRef, useState, type FormEvent } from 'react';
import { Button, Form } from 'react-aria-components';
import { useTranslation } from 'react-i18next';
import { reloadDistrictShapes } from '../../components/map/ChoroplethMap';
import { ErrorMessage } from '../../components/ErrorMessage';
import { Expander } from '../../components/Expander';
import { QueryView } from '../../components/QueryView';
import { SelectField, TextInput } from '../../components/fields';
import type { DistrictsQuery as DistrictsData } from '../../gql/graphql';
import { normalizeError, RequestError } from '../../lib/client';
import { useErrorText } from '../../lib/errors';
import { formText } from '../../lib/form';
import { useMutation, useQuery } from '../../lib/hooks';
import { CreateDistrictMutation, DistrictsQuery, RemoveDistrictMutation, UpdateDistrictMutation } from './districtOperations';

const NO_PARENT = '__none__';
const FIELDS = { fields: ['code', 'name', 'parentId'], conflictField: 'code' };

type District = DistrictsData['districts'][number];

interface MapReport {
  features: number;
  districtsWithoutShape: string[];
  shapesWithoutDistrict: string[];
}

async function uploadMap(file: File, property: string): Promise<MapReport> {
  const form = new FormData();
  form.append('codeProperty', property);
  form.append('file', file);
  let response: Response;
  try {
    response = await fetch('/api/districts/geojson', {
      method: 'POST',
      credentials: 'same-origin',
      headers: { 'X-Teilhabe-Csrf': '1' },
      body: form,
    });
  } catch (e) {
    throw new RequestError([{ code: 'NETWORK', message: String(e) }]);
  }
  const body = (await response.json().catch(() => ({}))) as MapReport & { errors?: unknown };
  if (!response.ok) {
    const raw = Array.isArray(body.errors) ? (body.errors as Parameters<typeof normalizeError>[0][]) : [];
    throw new RequestError(raw.length ? raw.map(normalizeError) : [{ code: 'INTERNAL', message: `HTTP ${response.status}` }]);
  }
  return body;
}

export function DistrictsPanel() {
  const { t } = useTranslation();
  const q = useQuery(DistrictsQuery);
  const create = useMutation(CreateDistrictMutation);
  const { fieldErrors } = useErrorText();
  const [added, setAdded] = useState(false);
  const formRef = useRef<HTMLFormElement>(null);
  const list = q.data?.districts ?? [];

  async function onSubmit(e: FormEvent<HTMLFormElement>) {
    e.preventDefault();
    setAdded(false);
    const f = new FormData(e.currentTarget);
    const parent = formText(f, 'parentId');
    const r = await create.run({
      input: {
        code: formText(f, 'code').trim(),
        name: formText(f, 'name').trim(),
        parentId: parent && parent !== NO_PARENT ? parent : null,
      },
    });
    if (r) {
      setAdded(true);
      formRef.current?.reset();
      q.refetch();
    }
  }

  return (
    <div className="panel-stack">
      <p>{t('districts.help')}</p>
      <Expander title={t('districts.add')}>
        <ErrorMessage error={create.error} mapping={FIELDS} />
        <Form ref={formRef} className="form" onSubmit={(e) => void onSubmit(e)} validationErrors={fieldErrors(create.error, FIELDS)}>
          <TextInput name="code" label={t('districts.code')} isRequired />
          <TextInput name="name" label={t('districts.name')} isRequired />
          <SelectField
            name="parentId"
            label={t('districts.parent')}
            defaultValue={NO_PARENT}
            options={[{ id: NO_PARENT, label: t('districts.noParent') }, ...list.map((d) => ({ id: d.id, label: `${d.code} ${d.name}` }))]}
          />
          <Button type="submit" className="btn" isPending={create.pending}>
            {t('districts.submit')}
          </Button>
        </Form>
      </Expander>
      {added && (
        <p role="status" className="alert alert-success">
          {t('districts.added')}
        </p>
      )}
      <section aria-labelledby="districts-list">
        <h2 id="districts-list">{t('districts.list')}</h2>
        <QueryView query={q}>
          {() =>
            list.length === 0 ? (
              <p>{t('districts.empty')}</p>
            ) : (
              <div className="table-wrap" tabIndex={0} role="region" aria-labelledby="districts-list">
                <table>
                  <thead>
                    <tr>
                      <th scope="col">{t('districts.code')}</th>
                      <th scope="col">{t('districts.name')}</th>
                      <th scope="col">{t('districts.parent')}</th>
                      <th scope="col">
                        <span className="visually-hidden">{t('districts.rename')}</span>
                      </th>
                    </tr>
                  </thead>
                  <tbody>
                    {list.map((d) => (
                      <DistrictRow key={d.id} d={d} all={list} onChanged={q.refetch} />
                    ))}
                  </tbody>
                </table>
              </div>
            )
          }
        </QueryView>
      </section>
      <MapUpload current={q.data?.districtMap ?? null} onDone={q.refetch} />
    </div>
  );
}

function DistrictRow({ d, all, onChanged }: { d: District; all: District[]; onChanged: () => void }) {
  const { t } = useTranslation();
  const [editing, setEditing] = useState(false);
  const update = useMutation(UpdateDistrictMutation);
  const remove = useMutation(RemoveDistrictMutation);
  const parent = all.find((p) => p.id === d.parentId);

  async function onSave(e: FormEvent<HTMLFormElement>) {
    e.preventDefault();
    const f = new FormData(e.currentTarget);
    const r = await update.run({
      input: { id: d.id, name: formText(f, 'name').trim(), parentId: d.parentId ?? null, expectedVersion: d.version },
    });
    if (r) {
      setEditing(false);
      onChanged();
    }
  }

  return (
    <tr>
      <th scope="row">{d.code}</th>
      <td>
        {editing ? (
          <Form className="form form-inline" onSubmit={(e) => void onSave(e)}>
            <TextInput name="name" label={t('districts.renameNamed', { name: d.name })} defaultValue={d.name} isRequired autoFocus />
            <Button type="submit" className="btn" isPending={update.pending}>
              {t('districts.save')}
            </Button>
          </Form>
        ) : (
          d.name
        )}
        <ErrorMessage error={update.error ?? remove.error} />
      </td>
      <td>{parent ? `${parent.code} ${parent.name}` : '–'}</td>
      <td>
        {!editing && (
          <Button className="btn btn-secondary" onPress={() => setEditing(true)} aria-label={t('districts.renameNamed', { name: d.name })}>
            {t('districts.rename')}
          </Button>
        )}{' '}
        <Button
          className="btn btn-secondary"
          isPending={remove.pending}
          aria-label={t('districts.removeNamed', { name: d.name })}
          onPress={() =>
            void remove.run({ id: d.id, expectedVersion: d.version }).then((r) => {
              if (r) onChanged();
            })
          }
        >
          {t('districts.remove')}
        </Button>
      </td>
    </tr>
  );
}

function MapUpload({ current, onDone }: { current: DistrictsData['districtMap']; onDone: () => void }) {
  const { t } = useTranslation();
  const [error, setError] = useState<RequestError | null>(null);
  const [pending, setPending] = useState(false);
  const [report, setReport] = useState<MapReport | null>(null);

  async function onSubmit(e: FormEvent<HTMLFormElement>) {
    e.preventDefault();
    const f = new FormData(e.currentTarget);
    const file = f.get('file');
    if (!(file instanceof File) || file.size === 0) return;
    setPending(true);
    setError(null);
    setReport(null);
    try {
      setReport(await uploadMap(file, formText(f, 'codeProperty').trim()));
      reloadDistrictShapes();
      onDone();
    } catch (err) {
      setError(err instanceof RequestError ? err : new RequestError([{ code: 'INTERNAL', message: String(err) }]));
    } finally {
      setPending(false);
    }
  }

  const shown = report ?? current;
  return (
    <section aria-labelledby="districts-map">
      <h2 id="districts-map">{t('districts.map')}</h2>
      <p>{t('districts.mapHelp')}</p>
      {current && (
        <p>{t('districts.current', { features: current.features, property: current.codeProperty, version: current.version })}</p>
      )}
      {report && (
        <p role="status" className="alert alert-success">
          {t('districts.uploaded', { count: report.features })}
        </p>
      )}
      {shown && (
        <ul>
          {shown.districtsWithoutShape.length > 0 && <li>{t('districts.withoutShape', { codes: shown.districtsWithoutShape.join(', ') })}</li>}
          {shown.shapesWithoutDistrict.length > 0 && <li>{t('districts.withoutDistrict', { codes: shown.shapesWithoutDistrict.join(', ') })}</li>}
          {shown.districtsWithoutShape.length === 0 && shown.shapesWithoutDistrict.length === 0 && <li>{t('districts.allMatched')}</li>}
        </ul>
      )}
      <ErrorMessage error={error} />
      <form className="form" onSubmit={(e) => void onSubmit(e)}>
        <div className="field">
          <label htmlFor="districts-file">{t('districts.file')}</label>
          <input id="districts-file" name="file" type="file" accept=".geojson,.json,application/geo+json,application/json" required />
        </div>
        <div className="field">
          <label htmlFor="districts-property">{t('districts.property')}</label>
          <input id="districts-property" name="codeProperty" type="text" required defaultValue={current?.codeProperty ?? ''} />
        </div>
        <Button type="submit" className="btn" isPending={pending}>
          {t('districts.upload')}
        </Button>
      </form>
    </section>
  );
}
