import { useRef, useState, type FormEvent } from 'react';
import { Button, Form } from 'react-aria-components';
import { useTranslation } from 'react-i18next';
import { Link, useParams } from 'react-router';
import { DateField } from '../../components/DateField';
import { Expander } from '../../components/Expander';
import { ErrorMessage } from '../../components/ErrorMessage';
import { SelectField, TextInput } from '../../components/fields';
import { TextArea } from '../../components/TextArea';
import { PageHeading } from '../../components/PageHeading';
import { QueryView } from '../../components/QueryView';
import type { IndicatorDetailQuery, TermStatus } from '../../gql/graphql';
import { useErrorText } from '../../lib/errors';
import { formText } from '../../lib/form';
import { formatDate, formatDateTime, formatNumber } from '../../lib/format';
import { useMutation, useQuery } from '../../lib/hooks';
import { byName } from '../../lib/labels';
import { canCoordinate, useUser } from '../../session/context';
import { ComputedValues, FormulaForm } from './ComputedPanel';
import { AcceptOrReturn } from './DeliveryReview';
import { ConfirmDeliveryForm, type DefinitionOption } from './ConfirmDeliveryForm';
import { GenesisImport } from './GenesisImport';
import { IndicatorMap, SuppressionRule } from './IndicatorDistricts';
import {
  AssignOwnerMutation,
  ConfirmReviewMutation,
  IndicatorFormDataQuery,
  IndicatorQuery,
  RequestDeliveryMutation,
} from './operations';
import { SeriesChart } from './SeriesChart';
import '../glossary/glossary.css';
import './indicators.css';

type Indicator = NonNullable<IndicatorDetailQuery['indicator']>;
type Delivery = Indicator['deliveries'][number];

interface UsedTerm {
  id: string;
  label: string;
  status: TermStatus;
  definitions: { id: string; text: string }[];
}

/** The indicator's terms (from `Indicator.terms`) and their definitions for the confirm form. */
export function termDefinitions(used: UsedTerm[]) {
  const definitions: DefinitionOption[] = used.flatMap((x) =>
    x.definitions.map((d, i) => ({
      id: d.id,
      label: `${x.label} ${i + 1}: ${d.text.length > 60 ? `${d.text.slice(0, 60)}…` : d.text}`,
    })),
  );
  return { used, definitions };
}

export function IndicatorPage() {
  const { t } = useTranslation();
  const { id = '' } = useParams();
  const q = useQuery(IndicatorQuery, { id });
  return (
    <QueryView
      query={q}
      select={(d) => d.indicator}
      heading={(ind) =>
        ind ? (
          <>
            <p className="breadcrumb">
              <Link to="/indikatoren">{t('indicators.back')}</Link>
            </p>
            <PageHeading title={`${ind.code} – ${ind.name}`} />
          </>
        ) : (
          <PageHeading title={t('indicators.title')} />
        )
      }
      notFound={
        <>
          <PageHeading title={t('indicators.notFound')} />
          <Link to="/indikatoren">{t('indicators.back')}</Link>
        </>
      }
    >
      {(ind, data) => <IndicatorDetails ind={ind} me={data.me} onChanged={q.refetch} />}
    </QueryView>
  );
}

function IndicatorDetails({ ind, me, onChanged }: { ind: Indicator; me: IndicatorDetailQuery['me']; onChanged: () => void }) {
  const { t, i18n } = useTranslation();
  const lang = i18n.language;
  const user = useUser();
  const terms = termDefinitions(ind.terms);
  const myOrgs = new Set(me?.organizations.map((o) => o.id) ?? []);
  const isOwner = !!ind.owner && myOrgs.has(ind.owner.id);
  const coordinator = canCoordinate(user);
  const notAgreed = terms.used.filter((x) => x.status !== 'AGREED');
  const deliveries = [...ind.deliveries].reverse();

  return (
    <>
      <dl className="facts">
        <dt>{t('indicators.unit')}</dt>
        <dd>{ind.unit}</dd>
        <dt>{t('indicators.source')}</dt>
        <dd>
          {t(`indicators.sourceKinds.${ind.sourceKind}`)}: {ind.sourceDescription}
        </dd>
        <dt>{t('indicators.periodicity')}</dt>
        <dd>{t(`indicators.periodicities.${ind.periodicity}`)}</dd>
        <dt>{t('indicators.target')}</dt>
        <dd>
          {ind.targetValue != null ? `${formatNumber(ind.targetValue, lang)} ${ind.unit}` : '–'}
          {ind.targetDirection && ` (${t(`indicators.directions.${ind.targetDirection}`)})`}
        </dd>
        <dt>{t('indicators.owner')}</dt>
        <dd>{ind.owner?.name ?? '–'}</dd>
        <dt>{t('indicators.responsible')}</dt>
        <dd>{ind.responsible?.name ?? '–'}</dd>
        <dt>{t('indicators.deputy')}</dt>
        <dd>{ind.deputy?.name ?? '–'}</dd>
        <dt>{t('indicators.nextReview')}</dt>
        <dd>
          {formatDate(ind.nextReviewAt, lang)} ({t('indicators.everyMonths', { count: ind.reviewIntervalMonths })})
        </dd>
        <dt>{t('indicators.terms')}</dt>
        <dd>
          {terms.used.length === 0
            ? '–'
            : terms.used.map((x, i) => (
                <span key={x.id}>
                  {i > 0 && ', '}
                  <Link to={`/glossar/${x.id}`}>{x.label}</Link> ({t(`glossary.status.${x.status}`)})
                </span>
              ))}
        </dd>
      </dl>
      {(isOwner || coordinator) && <ConfirmReview indicatorId={ind.id} onDone={onChanged} />}
      {(notAgreed.length > 0 || ind.usesUnagreedTerms) && (
        <div className="warning" role="note">
          <p>
            {notAgreed.length > 0
              ? t('indicators.termWarning', { list: notAgreed.map((x) => x.label).join(', ') })
              : t('indicatorTerms.unagreed')}
          </p>
        </div>
      )}
      <section aria-labelledby="ind-series">
        <h2 id="ind-series">{t('indicators.series')}</h2>
        <SeriesChart series={ind.timeSeries} name={ind.name} references={ind.references} />
      </section>
      <IndicatorMap name={ind.name} unit={ind.unit} deliveries={ind.deliveries} />
      {coordinator && <SuppressionRule indicatorId={ind.id} />}
      <ComputedValues ind={ind} />
      <section aria-labelledby="ind-deliveries">
        <h2 id="ind-deliveries">{t('indicators.deliveries')}</h2>
        {deliveries.length === 0 && <p>{t('indicators.noDeliveries')}</p>}
        {deliveries.map((d) => (
          <DeliveryCard
            key={d.id}
            d={d}
            unit={ind.unit}
            canConfirm={isOwner || coordinator}
            coordinator={coordinator}
            definitions={terms.definitions}
            onChanged={onChanged}
          />
        ))}
      </section>
      {(isOwner || coordinator) && <FormulaForm ind={ind} onDone={onChanged} />}
      {(isOwner || coordinator) && (
        <GenesisImport indicatorId={ind.id} mapping={ind.genesisMapping} unit={ind.unit} onDone={onChanged} />
      )}
      {coordinator && (
        <div className="panel-stack">
          <RequestDelivery indicatorId={ind.id} onDone={onChanged} />
          <AssignOwner ind={ind} onDone={onChanged} />
        </div>
      )}
      {ind.ownershipHistory.length > 0 && (
        <section aria-labelledby="ind-owners">
          <h2 id="ind-owners">{t('indicators.ownershipHistory')}</h2>
          <ul>
            {ind.ownershipHistory.map((p) => (
              <li key={p.fromAt}>
                {formatDate(p.fromAt, lang)} – {p.untilAt ? formatDate(p.untilAt, lang) : t('indicators.today')}:{' '}
                {p.owner?.name ?? '–'}
                {p.responsible && `, ${t('indicators.responsible')}: ${p.responsible.name}`}
                {p.deputy && `, ${t('indicators.deputy')}: ${p.deputy.name}`}
              </li>
            ))}
          </ul>
        </section>
      )}
    </>
  );
}

export function DeliveryStatusBadge({ status, overdue }: { status: string; overdue: boolean }) {
  const { t } = useTranslation();
  return (
    <>
      <span className={`badge badge-${status.toLowerCase()}`}>{t(`indicators.deliveryStatus.${status}`)}</span>
      {overdue && (
        <>
          {' '}
          <span className="badge badge-overdue">{t('indicators.overdue')}</span>
        </>
      )}
    </>
  );
}

function DeliveryCard({
  d,
  unit,
  canConfirm,
  coordinator,
  definitions,
  onChanged,
}: {
  d: Delivery;
  unit: string;
  canConfirm: boolean;
  coordinator: boolean;
  definitions: DefinitionOption[];
  onChanged: () => void;
}) {
  const { t, i18n } = useTranslation();
  const lang = i18n.language;
  const open = d.status === 'REQUESTED' || d.status === 'RETURNED';
  const hid = `delivery-${d.id}`;
  return (
    <article className="delivery-card" aria-labelledby={hid} id={`lieferung-${d.id}`}>
      <h3 id={hid}>
        {t('indicators.deliveryPeriod', { period: d.period })} <DeliveryStatusBadge status={d.status} overdue={d.overdue} />
      </h3>
      <dl className="facts">
        <dt>{t('indicators.dueAt')}</dt>
        <dd>{formatDate(d.dueAt, lang)}</dd>
        {d.expectedAt && (
          <>
            <dt>{t('indicators.expectedAt')}</dt>
            <dd>{formatDate(d.expectedAt, lang)}</dd>
          </>
        )}
        {d.noDataReason && (
          <>
            <dt>{t('indicators.noDataReason')}</dt>
            <dd>{d.noDataReason}</dd>
          </>
        )}
        {d.value != null && (
          <>
            <dt>{t('indicators.value')}</dt>
            <dd>
              {formatNumber(d.value, lang)} {unit}
            </dd>
          </>
        )}
        {d.source && (
          <>
            <dt>{t('genesis.provenance')}</dt>
            <dd>
              {t('genesis.provenanceText', {
                table: d.source.tableCode,
                source: d.source.source,
                licence: d.source.licence,
                date: formatDate(d.source.retrievedOn, lang),
              })}
            </dd>
          </>
        )}
        {d.breakdown.length > 0 && (
          <>
            <dt>{t('indicators.breakdownShown')}</dt>
            <dd>
              <ul>
                {d.breakdown.map((b) => (
                  <li key={`${b.dimension}-${b.category}`}>
                    {b.dimension} / {b.category}: {formatNumber(b.value, lang)}
                  </li>
                ))}
              </ul>
            </dd>
          </>
        )}
        {d.note && (
          <>
            <dt>{t('indicators.note')}</dt>
            <dd>{d.note}</dd>
          </>
        )}
        {d.deliveredAt && (
          <>
            <dt>{t('indicators.deliveredAt')}</dt>
            <dd>
              {formatDateTime(d.deliveredAt, lang)}
              {d.deliveredBy && `, ${d.deliveredBy.name}`}
              {d.onTime != null && ` (${d.onTime ? t('indicators.onTimeYes') : t('indicators.onTimeNo')})`}
            </dd>
          </>
        )}
        {d.acceptedAt && (
          <>
            <dt>{t('indicators.acceptedAt')}</dt>
            <dd>
              {formatDateTime(d.acceptedAt, lang)}
              {d.acceptedBy && `, ${d.acceptedBy.name}`}
            </dd>
          </>
        )}
        {d.returnReason && (
          <>
            <dt>{t('indicators.returnReason')}</dt>
            <dd>{d.returnReason}</dd>
          </>
        )}
      </dl>
      {open && canConfirm && (
        <section aria-label={t('indicators.confirmTitle', { period: d.period })}>
          <h4>{t('indicators.confirmTitle', { period: d.period })}</h4>
          <ConfirmDeliveryForm
            deliveryId={d.id}
            version={d.version}
            unit={unit}
            definitions={definitions}
            onDone={onChanged}
          />
        </section>
      )}
      {d.status === 'DELIVERED' && coordinator && <AcceptOrReturn d={d} onChanged={onChanged} />}
    </article>
  );
}

function RequestDelivery({ indicatorId, onDone }: { indicatorId: string; onDone: () => void }) {
  const { t } = useTranslation();
  const req = useMutation(RequestDeliveryMutation);
  const { fieldErrors } = useErrorText();
  const [done, setDone] = useState(false);
  const formRef = useRef<HTMLFormElement>(null);
  const mapping = { fields: ['period', 'dueAt'], conflictField: 'period' };

  async function onSubmit(e: FormEvent<HTMLFormElement>) {
    e.preventDefault();
    setDone(false);
    const f = new FormData(e.currentTarget);
    const due = formText(f, 'dueAt');
    const r = await req.run({
      indicatorId,
      period: formText(f, 'period').trim(),
      dueAt: due ? new Date(`${due}T12:00:00`).toISOString() : '',
    });
    if (r) {
      setDone(true);
      formRef.current?.reset();
      onDone();
    }
  }
  return (
    <Expander title={t('indicators.requestDelivery')}>
      <ErrorMessage error={req.error} mapping={mapping} />
      {done && (
        <p role="status" className="alert alert-success">
          {t('indicators.requested')}
        </p>
      )}
      <Form ref={formRef} className="form" onSubmit={(e) => void onSubmit(e)} validationErrors={fieldErrors(req.error, mapping)}>
        <TextInput name="period" label={t('indicators.period')} description={t('indicators.periodHelp')} isRequired />
        <DateField name="dueAt" label={t('indicators.dueAt')} isRequired />
        <Button type="submit" className="btn" isPending={req.pending}>
          {t('indicators.requestSubmit')}
        </Button>
      </Form>
    </Expander>
  );
}

const NONE = '__none__';
const ASSIGN_FIELDS = { fields: ['ownerId', 'responsibleUserId', 'deputyUserId'] };

function AssignOwner({ ind, onDone }: { ind: Indicator; onDone: () => void }) {
  const { t, i18n } = useTranslation();
  const data = useQuery(IndicatorFormDataQuery);
  const assign = useMutation(AssignOwnerMutation);
  const { fieldErrors } = useErrorText();
  const [done, setDone] = useState(false);
  const orgs = [...(data.data?.organizations ?? [])].sort(byName(i18n.language));
  const users = [...(data.data?.users ?? [])].sort(byName(i18n.language));
  const people = [{ id: NONE, label: t('indicators.nobody') }, ...users.map((u) => ({ id: u.id, label: u.name }))];

  async function onSubmit(e: FormEvent<HTMLFormElement>) {
    e.preventDefault();
    setDone(false);
    const f = new FormData(e.currentTarget);
    const opt = (n: string) => {
      const v = formText(f, n);
      return v && v !== NONE ? v : null;
    };
    const r = await assign.run({
      indicatorId: ind.id,
      ownerId: formText(f, 'ownerId'),
      responsibleUserId: opt('responsibleUserId'),
      deputyUserId: opt('deputyUserId'),
    });
    if (r) {
      setDone(true);
      onDone();
    }
  }
  return (
    <Expander title={t('indicators.assignOwner')}>
      <ErrorMessage error={assign.error} mapping={ASSIGN_FIELDS} />
      <ErrorMessage error={data.error} />
      {done && (
        <p role="status" className="alert alert-success">
          {t('indicators.assigned')}
        </p>
      )}
      {data.data && (
        <Form
          className="form"
          onSubmit={(e) => void onSubmit(e)}
          validationErrors={fieldErrors(assign.error, ASSIGN_FIELDS)}
        >
          <SelectField
            name="ownerId"
            label={t('indicators.owner')}
            defaultValue={ind.owner?.id}
            options={orgs.map((o) => ({ id: o.id, label: o.name }))}
          />
          <SelectField
            name="responsibleUserId"
            label={t('indicators.responsible')}
            defaultValue={ind.responsible?.id ?? NONE}
            options={people}
          />
          <SelectField
            name="deputyUserId"
            label={t('indicators.deputy')}
            defaultValue={ind.deputy?.id ?? NONE}
            options={people}
          />
          <Button type="submit" className="btn" isPending={assign.pending}>
            {t('indicators.assignSubmit')}
          </Button>
        </Form>
      )}
    </Expander>
  );
}

function ConfirmReview({ indicatorId, onDone }: { indicatorId: string; onDone: () => void }) {
  const { t } = useTranslation();
  const confirm = useMutation(ConfirmReviewMutation);
  const [done, setDone] = useState(false);
  const formRef = useRef<HTMLFormElement>(null);

  async function onSubmit(e: FormEvent<HTMLFormElement>) {
    e.preventDefault();
    setDone(false);
    const note = formText(new FormData(e.currentTarget), 'note').trim() || null;
    if (await confirm.run({ indicatorId, note })) {
      setDone(true);
      formRef.current?.reset();
      onDone();
    }
  }
  return (
    <Expander title={t('indicators.confirmReview')}>
      <p>{t('indicators.confirmReviewHelp')}</p>
      <ErrorMessage error={confirm.error} />
      {done && (
        <p role="status" className="alert alert-success">
          {t('indicators.reviewConfirmed')}
        </p>
      )}
      <Form ref={formRef} className="form" onSubmit={(e) => void onSubmit(e)}>
        <TextArea name="note" label={t('indicators.note')} rows={2} />
        <Button type="submit" className="btn" isPending={confirm.pending}>
          {t('indicators.confirmReviewSubmit')}
        </Button>
      </Form>
    </Expander>
  );
}
