import { useMemo, useRef, useState, type FormEvent } from 'react';
import { Button, Form } from 'react-aria-components';
import { useTranslation } from 'react-i18next';
import { Link, useSearchParams } from 'react-router';
import { Expander } from '../../components/Expander';
import { ErrorMessage } from '../../components/ErrorMessage';
import { CheckboxField, RadioField, SelectField, TextInput } from '../../components/fields';
import { Loading } from '../../components/Notice';
import { PageHeading } from '../../components/PageHeading';
import type { Periodicity, SourceKind, TargetDirection } from '../../gql/graphql';
import { useErrorText } from '../../lib/errors';
import { formText, formTexts } from '../../lib/form';
import { formatDate, formatPercent } from '../../lib/format';
import { useMutation, useQuery } from '../../lib/hooks';
import { byName } from '../../lib/labels';
import { canCoordinate, useUser } from '../../session/context';
import { SheetImport } from './GenesisImport';
import { CreateIndicatorMutation, IndicatorFormDataQuery, IndicatorGoalsQuery, IndicatorsQuery, OnTimeRatesQuery } from './operations';
import { FilterSelect } from './FilterSelect';
import '../glossary/glossary.css';
import './indicators.css';

const ANY = '__any__';
const STATUS_FILTERS = ['open', 'overdue', 'complete'] as const;
export const SOURCE_KINDS: SourceKind[] = ['OFFICIAL_STATISTICS', 'DEPARTMENT', 'STATISTICS_OFFICE', 'SURVEY'];
export const PERIODICITIES: Periodicity[] = ['YEARLY', 'HALF_YEARLY', 'QUARTERLY'];
const PAGE = 50;

export function IndicatorsPage() {
  const { t, i18n } = useTranslation();
  const user = useUser();
  const [params, setParams] = useSearchParams();
  const owner = params.get('owner') ?? ANY;
  const field = params.get('field') ?? ANY;
  const goal = params.get('goal') ?? ANY;
  const status = params.get('status') ?? ANY;
  const [shown, setShown] = useState(PAGE);
  const list = useQuery(IndicatorsQuery, {
    ownerId: owner === ANY ? null : owner,
    goalId: goal === ANY ? null : goal,
  });
  const meta = useQuery(IndicatorGoalsQuery);

  function set(key: string, value: string) {
    const next = new URLSearchParams(params);
    if (value === ANY) next.delete(key);
    else next.set(key, value);
    if (key === 'field') next.delete('goal');
    setParams(next, { replace: true });
    setShown(PAGE);
  }

  const fields = useMemo(
    () =>
      (meta.data?.leitbilder ?? [])
        .filter((l) => l.status === 'ADOPTED')
        .flatMap((l) =>
          l.fieldsOfAction.map((f) => ({
            id: f.id,
            label: `${f.title} (${l.year})`,
            goals: f.goals.flatMap((g) => [g, ...g.children]),
          })),
        ),
    [meta.data],
  );
  const fieldGoals = new Set(fields.find((f) => f.id === field)?.goals.map((g) => g.id) ?? []);
  const goalOptions = (field === ANY ? fields.flatMap((f) => f.goals) : fields.find((f) => f.id === field)?.goals ?? []).map(
    (g) => ({ id: g.id, label: g.title }),
  );

  const filtered = (list.data?.indicators ?? []).filter((ind) => {
    if (field !== ANY && !ind.goalIds.some((g) => fieldGoals.has(g))) return false;
    const open = ind.deliveries.some((d) => d.status === 'REQUESTED' || d.status === 'RETURNED');
    if (status === 'overdue') return ind.deliveries.some((d) => d.overdue);
    if (status === 'open') return open;
    if (status === 'complete') return !open;
    return true;
  });
  const orgs = [...(meta.data?.organizations ?? [])].sort(byName(i18n.language));

  return (
    <>
      <PageHeading title={t('indicators.title')} />
      <p className="lead">{t('indicators.intro')}</p>
      <div className="panel-stack">
        {canCoordinate(user) && <CreateIndicator onCreated={list.refetch} />}
        {user && <SheetImport onDone={list.refetch} />}
        <section aria-labelledby="ind-list">
          <h2 id="ind-list">{t('indicators.list')}</h2>
          <div className="filter-grid">
            <FilterSelect
              label={t('indicators.filterOwner')}
              value={owner}
              onChange={(v) => set('owner', v)}
              options={[{ id: ANY, label: t('indicators.any') }, ...orgs.map((o) => ({ id: o.id, label: o.name }))]}
            />
            {fields.length > 0 && (
              <FilterSelect
                label={t('indicators.filterField')}
                value={field}
                onChange={(v) => set('field', v)}
                options={[{ id: ANY, label: t('indicators.any') }, ...fields.map((f) => ({ id: f.id, label: f.label }))]}
              />
            )}
            {goalOptions.length > 0 && (
              <FilterSelect
                label={t('indicators.filterGoal')}
                value={goal}
                onChange={(v) => set('goal', v)}
                options={[{ id: ANY, label: t('indicators.any') }, ...goalOptions]}
              />
            )}
            <FilterSelect
              label={t('indicators.filterStatus')}
              value={status}
              onChange={(v) => set('status', v)}
              options={[
                { id: ANY, label: t('indicators.any') },
                ...STATUS_FILTERS.map((s) => ({ id: s, label: t(`indicators.statusFilter.${s}`) })),
              ]}
            />
          </div>
          {list.loading && !list.data && <Loading />}
          <ErrorMessage error={list.error} />
          <p role="status" className="result-count">
            {list.data ? t('indicators.count', { count: filtered.length }) : ''}
          </p>
          {filtered.length > 0 && (
            <div className="table-wrap" tabIndex={0} role="region" aria-labelledby="ind-list">
              <table>
                <thead>
                  <tr>
                    <th scope="col">{t('indicators.code')}</th>
                    <th scope="col">{t('indicators.name')}</th>
                    <th scope="col">{t('indicators.owner')}</th>
                    <th scope="col">{t('indicators.openDeliveries')}</th>
                    <th scope="col">{t('indicators.nextReview')}</th>
                  </tr>
                </thead>
                <tbody>
                  {filtered.slice(0, shown).map((ind) => {
                    const open = ind.deliveries.filter((d) => d.status === 'REQUESTED' || d.status === 'RETURNED');
                    const overdue = ind.deliveries.filter((d) => d.overdue).length;
                    return (
                      <tr key={ind.id}>
                        <td>{ind.code}</td>
                        <th scope="row">
                          <Link to={`/indikatoren/${ind.id}`}>{ind.name}</Link>
                          {ind.usesUnagreedTerms && (
                            <>
                              {' '}
                              <span className="badge badge-proposed">{t('indicatorTerms.badge')}</span>
                            </>
                          )}
                        </th>
                        <td>{ind.owner?.name ?? '–'}</td>
                        <td>
                          {open.length}
                          {overdue > 0 && (
                            <>
                              {' '}
                              <span className="badge badge-overdue">{t('indicators.overdueCount', { count: overdue })}</span>
                            </>
                          )}
                        </td>
                        <td>{formatDate(ind.nextReviewAt, i18n.language)}</td>
                      </tr>
                    );
                  })}
                </tbody>
              </table>
            </div>
          )}
          {filtered.length > shown && (
            <Button className="btn btn-secondary" onPress={() => setShown((n) => n + PAGE)}>
              {t('indicators.showMore', { count: Math.min(PAGE, filtered.length - shown) })}
            </Button>
          )}
        </section>
        {canCoordinate(user) && <OnTimeRates />}
      </div>
    </>
  );
}

function OnTimeRates() {
  const { t, i18n } = useTranslation();
  const rates = useQuery(OnTimeRatesQuery);
  const list = rates.data?.onTimeRates ?? [];
  return (
    <section aria-labelledby="ind-ontime">
      <h2 id="ind-ontime">{t('indicators.onTime')}</h2>
      <ErrorMessage error={rates.error} />
      {rates.data && list.length === 0 && <p>{t('indicators.onTimeEmpty')}</p>}
      {list.length > 0 && (
        <div className="table-wrap" tabIndex={0} role="region" aria-labelledby="ind-ontime">
          <table>
            <thead>
              <tr>
                <th scope="col">{t('indicators.department')}</th>
                <th scope="col">{t('indicators.confirmed')}</th>
                <th scope="col">{t('indicators.onTimeCount')}</th>
                <th scope="col">{t('indicators.rate')}</th>
              </tr>
            </thead>
            <tbody>
              {list.map((r, i) => (
                <tr key={r.organization?.id ?? i}>
                  <th scope="row">{r.organization?.name ?? '–'}</th>
                  <td>{r.confirmed}</td>
                  <td>{r.onTime}</td>
                  <td>{formatPercent(r.rate, i18n.language)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}

const NONE = '__none__';
const CREATE_FIELDS = {
  fields: [
    'code',
    'name',
    'unit',
    'sourceDescription',
    'targetValue',
    'targetDirection',
    'ownerId',
    'responsibleUserId',
    'deputyUserId',
    'termIds',
    'reviewIntervalMonths',
  ],
  conflictField: 'code',
};

function CreateIndicator({ onCreated }: { onCreated: () => void }) {
  const { t, i18n } = useTranslation();
  const data = useQuery(IndicatorFormDataQuery);
  const create = useMutation(CreateIndicatorMutation);
  const { fieldErrors } = useErrorText();
  const [created, setCreated] = useState<{ id: string; name: string } | null>(null);
  const formRef = useRef<HTMLFormElement>(null);
  const orgs = [...(data.data?.organizations ?? [])].sort(byName(i18n.language));
  const users = [...(data.data?.users ?? [])].sort(byName(i18n.language));
  const terms = data.data?.terms.filter((x) => x.status !== 'DEPRECATED') ?? [];

  async function onSubmit(e: FormEvent<HTMLFormElement>) {
    e.preventDefault();
    setCreated(null);
    const f = new FormData(e.currentTarget);
    const opt = (n: string) => {
      const v = formText(f, n);
      return v && v !== NONE ? v : null;
    };
    const target = formText(f, 'targetValue').trim().replace(',', '.');
    const direction = opt('targetDirection') as TargetDirection | null;
    const r = await create.run({
      input: {
        code: formText(f, 'code').trim(),
        name: formText(f, 'name').trim(),
        unit: formText(f, 'unit').trim(),
        sourceKind: (formText(f, 'sourceKind') || 'DEPARTMENT') as SourceKind,
        sourceDescription: formText(f, 'sourceDescription').trim(),
        periodicity: (formText(f, 'periodicity') || 'YEARLY') as Periodicity,
        targetValue: target ? Number(target) : null,
        targetDirection: direction,
        ownerId: formText(f, 'ownerId'),
        responsibleUserId: opt('responsibleUserId'),
        deputyUserId: opt('deputyUserId'),
        termIds: formTexts(f, 'termIds'),
        reviewIntervalMonths: Number(formText(f, 'reviewIntervalMonths') || '12'),
      },
    });
    if (r) {
      setCreated(r.createIndicator);
      formRef.current?.reset();
      onCreated();
    }
  }

  const people = [{ id: NONE, label: t('indicators.nobody') }, ...users.map((u) => ({ id: u.id, label: u.name }))];
  return (
    <Expander title={t('indicators.create')}>
      <ErrorMessage error={create.error} mapping={CREATE_FIELDS} />
      <ErrorMessage error={data.error} />
      {created && (
        <p role="status" className="alert alert-success">
          {t('indicators.created', { name: created.name })}{' '}
          <Link to={`/indikatoren/${created.id}`}>{t('indicators.open')}</Link>
        </p>
      )}
      <Form
        ref={formRef}
        className="form"
        onSubmit={(e) => void onSubmit(e)}
        validationErrors={fieldErrors(create.error, CREATE_FIELDS)}
      >
        <TextInput name="code" label={t('indicators.code')} isRequired />
        <TextInput name="name" label={t('indicators.name')} isRequired />
        <TextInput name="unit" label={t('indicators.unit')} isRequired />
        <RadioField
          name="sourceKind"
          label={t('indicators.sourceKind')}
          defaultValue="DEPARTMENT"
          isRequired
          options={SOURCE_KINDS.map((s) => ({ id: s, label: t(`indicators.sourceKinds.${s}`) }))}
        />
        <TextInput name="sourceDescription" label={t('indicators.source')} isRequired />
        <RadioField
          name="periodicity"
          label={t('indicators.periodicity')}
          defaultValue="YEARLY"
          isRequired
          options={PERIODICITIES.map((p) => ({ id: p, label: t(`indicators.periodicities.${p}`) }))}
        />
        <TextInput name="targetValue" label={t('indicators.target')} inputMode="decimal" />
        <RadioField
          name="targetDirection"
          label={t('indicators.direction')}
          defaultValue={NONE}
          options={[
            { id: NONE, label: t('indicators.noDirection') },
            { id: 'HIGHER_IS_BETTER', label: t('indicators.directions.HIGHER_IS_BETTER') },
            { id: 'LOWER_IS_BETTER', label: t('indicators.directions.LOWER_IS_BETTER') },
          ]}
        />
        <SelectField
          name="ownerId"
          label={t('indicators.owner')}
          placeholder={t('indicators.choose')}
          options={orgs.map((o) => ({ id: o.id, label: o.name }))}
        />
        <SelectField name="responsibleUserId" label={t('indicators.responsible')} defaultValue={NONE} options={people} />
        <SelectField name="deputyUserId" label={t('indicators.deputy')} defaultValue={NONE} options={people} />
        <TextInput
          name="reviewIntervalMonths"
          label={t('indicators.reviewInterval')}
          inputMode="numeric"
          defaultValue="12"
        />
        <CheckboxField
          name="termIds"
          label={t('indicators.terms')}
          options={terms.map((x) => ({ id: x.id, label: x.label }))}
          empty={<p className="muted">{t('indicators.noTerms')}</p>}
        />
        <Button type="submit" className="btn" isPending={create.pending}>
          {t('indicators.createSubmit')}
        </Button>
      </Form>
    </Expander>
  );
}
