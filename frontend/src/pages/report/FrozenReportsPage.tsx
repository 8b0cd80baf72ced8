import { useState, type FormEvent } from 'react';
import { Button, Form } from 'react-aria-components';
import { useTranslation } from 'react-i18next';
import { Link, useParams } from 'react-router';
import { ConfirmDialog } from '../../components/ConfirmDialog';
import { ErrorMessage } from '../../components/ErrorMessage';
import { QueryView } from '../../components/QueryView';
import { SelectField, TextInput } from '../../components/fields';
import { Loading } from '../../components/Notice';
import { PageHeading } from '../../components/PageHeading';
import { useErrorText } from '../../lib/errors';
import { formText } from '../../lib/form';
import { formatDateTime } from '../../lib/format';
import { useMutation, useQuery } from '../../lib/hooks';
import { canCoordinate, useUser } from '../../session/context';
import {
  FreezeReportMutation,
  FrozenReportQuery,
  FrozenReportsQuery,
  ReportEditionsQuery,
  SetPublishedMutation,
} from './operations';
import { ReportActions } from './ReportActions';
import { ReportDocument } from './ReportDocument';
import { ReportNav } from './ReportNav';

/** "2023 bis 2025", "ab 2023", or "alle Zeiträume". */
export function spanText(
  t: (key: string, o?: Record<string, unknown>) => string,
  from: string | null,
  to: string | null,
): string {
  if (from || to) return t('report.span', { from: from ?? '…', to: to ?? '…' });
  return t('report.allPeriods');
}

export function FrozenReportsPage() {
  const { t, i18n } = useTranslation();
  const lang = i18n.language;
  const user = useUser();
  const list = useQuery(FrozenReportsQuery, { leitbildId: null });
  const editions = useQuery(ReportEditionsQuery);
  const titleOf = new Map((editions.data?.leitbilder ?? []).map((l) => [l.id, `${l.title} (${l.year})`]));
  const reports = list.data?.frozenReports ?? [];

  return (
    <>
      <PageHeading title={t('report.frozen.title')} />
      <ReportNav />
      <p>{t('report.frozen.intro')}</p>
      {canCoordinate(user) && <FreezeForm onFrozen={list.refetch} />}
      <section aria-labelledby="frozen-list-heading">
        <h2 id="frozen-list-heading">{t('report.frozen.listHeading')}</h2>
        <QueryView query={list}>
          {() => (
            <>
              {reports.length === 0 && <p>{t('report.frozen.none')}</p>}
              {reports.length > 0 && (
                <div className="table-wrap" tabIndex={0} role="region" aria-label={t('report.frozen.listHeading')}>
                  <table className="frozen-table">
                    <caption>{t('report.frozen.listHeading')}</caption>
                    <thead>
                      <tr>
                        <th scope="col">{t('report.frozen.number')}</th>
                        <th scope="col">{t('report.frozen.reportTitle')}</th>
                        <th scope="col">{t('report.edition')}</th>
                        <th scope="col">{t('report.frozen.period')}</th>
                        <th scope="col">{t('report.frozen.frozenAt')}</th>
                        <th scope="col">{t('report.frozen.frozenBy')}</th>
                        <th scope="col">{t('report.frozen.published')}</th>
                      </tr>
                    </thead>
                    <tbody>
                      {reports.map((r) => (
                        <tr key={r.id}>
                          <td>{r.number}</td>
                          <th scope="row">
                            <Link to={`/bericht/eingefroren/${r.id}`}>{r.title}</Link>
                          </th>
                          <td>{titleOf.get(r.leitbildId) ?? '–'}</td>
                          <td>{spanText(t, r.fromPeriod, r.toPeriod)}</td>
                          <td>{formatDateTime(r.frozenAt, lang)}</td>
                          <td>{r.frozenBy?.name ?? '–'}</td>
                          <td>{r.published ? t('report.frozen.yes') : t('report.frozen.no')}</td>
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
    </>
  );
}

interface FreezeInput {
  leitbildId: string;
  title: string;
  fromPeriod: string | null;
  toPeriod: string | null;
}

const FREEZE_FIELDS = { fields: ['title', 'fromPeriod', 'toPeriod'] };

function FreezeForm({ onFrozen }: { onFrozen: () => void }) {
  const { t } = useTranslation();
  const editions = useQuery(ReportEditionsQuery);
  const freeze = useMutation(FreezeReportMutation);
  const { fieldErrors } = useErrorText();
  const [pendingInput, setPendingInput] = useState<FreezeInput | null>(null);
  const [done, setDone] = useState<{ id: string; number: number } | null>(null);
  // a new key empties the form after a report was frozen
  const [formKey, setFormKey] = useState(0);
  const adopted = (editions.data?.leitbilder ?? []).filter((l) => l.status === 'ADOPTED');

  function onSubmit(e: FormEvent<HTMLFormElement>) {
    e.preventDefault();
    const data = new FormData(e.currentTarget);
    const leitbildId = formText(data, 'leitbild') || adopted[0]?.id || '';
    const title = formText(data, 'title');
    if (!leitbildId || !title) return;
    setDone(null);
    setPendingInput({
      leitbildId,
      title,
      fromPeriod: formText(data, 'from') || null,
      toPeriod: formText(data, 'to') || null,
    });
  }

  async function confirm() {
    if (!pendingInput) return;
    const result = await freeze.run(pendingInput);
    setPendingInput(null);
    if (result) {
      setDone({ id: result.freezeReport.id, number: result.freezeReport.number });
      setFormKey((k) => k + 1);
      onFrozen();
    }
  }

  return (
    <section className="report-freeze no-print" aria-labelledby="freeze-heading">
      <h2 id="freeze-heading">{t('report.frozen.freezeHeading')}</h2>
      <p>{t('report.frozen.freezeIntro')}</p>
      {editions.data && adopted.length === 0 && <p>{t('report.frozen.noAdopted')}</p>}
      {adopted.length > 0 && (
        <Form key={formKey} className="form" onSubmit={onSubmit} validationErrors={fieldErrors(freeze.error, FREEZE_FIELDS)}>
          <SelectField
            label={t('report.edition')}
            name="leitbild"
            defaultValue={adopted[0]?.id}
            options={adopted.map((l) => ({ id: l.id, label: `${l.title} (${l.year})` }))}
          />
          <TextInput label={t('report.frozen.reportTitle')} name="title" isRequired />
          <TextInput label={t('report.from')} name="from" description={t('report.periodHint')} />
          <TextInput label={t('report.to')} name="to" />
          <ErrorMessage error={freeze.error} mapping={FREEZE_FIELDS} />
          <Button type="submit" className="btn">
            {t('report.frozen.freeze')}
          </Button>
        </Form>
      )}
      <div role="status">
        {done && (
          <p className="alert alert-success">
            {t('report.frozen.done', { number: done.number })}{' '}
            <Link to={`/bericht/eingefroren/${done.id}`}>{t('report.frozen.open', { number: done.number })}</Link>
          </p>
        )}
      </div>
      <ConfirmDialog
        isOpen={pendingInput != null}
        title={t('report.frozen.confirmTitle')}
        confirmLabel={t('report.frozen.freeze')}
        pending={freeze.pending}
        onConfirm={() => void confirm()}
        onCancel={() => setPendingInput(null)}
      >
        <p>{t('report.frozen.confirmText', { title: pendingInput?.title ?? '' })}</p>
      </ConfirmDialog>
    </section>
  );
}

export function FrozenReportPage() {
  const { id = '' } = useParams();
  const { t, i18n } = useTranslation();
  const lang = i18n.language;
  const user = useUser();
  const q = useQuery(FrozenReportQuery, { id });
  const publish = useMutation(SetPublishedMutation);
  const fr = q.data?.frozenReport;
  const heading = fr
    ? t('report.frozen.banner', { number: fr.number, date: formatDateTime(fr.frozenAt, lang) })
    : t('report.frozen.title');

  async function togglePublished() {
    if (!fr) return;
    const r = await publish.run({ kind: 'REPORT', targetId: fr.id, published: !fr.published });
    if (r) q.refetch();
  }

  const base = `/api/reports/frozen/${encodeURIComponent(id)}/bericht`;
  return (
    <>
      <PageHeading title={heading} />
      <ReportNav />
      {q.loading && !fr && <Loading />}
      <ErrorMessage error={q.error} />
      {fr && (
        <ReportDocument
          report={fr.report}
          info={{ title: fr.title, number: fr.number, date: fr.frozenAt }}
          busy={q.loading}
          banner={
            <div className="report-frozen-banner" role="note" aria-label={t('report.frozen.bannerLabel')}>
              <p>
                <strong>{t('report.frozen.banner', { number: fr.number, date: formatDateTime(fr.frozenAt, lang) })}</strong>
                {' – '}
                {fr.title}
              </p>
              <p>
                {spanText(t, fr.fromPeriod, fr.toPeriod)}
                {fr.frozenBy ? ` · ${t('report.frozen.by', { name: fr.frozenBy.name })}` : ''} ·{' '}
                {fr.published ? t('report.frozen.isPublished') : t('report.frozen.notPublished')}
              </p>
              <p>{t('report.frozen.pinned')}</p>
            </div>
          }
          actions={
            <ReportActions base={base}>
              {canCoordinate(user) && (
                <Button className="btn btn-secondary" onPress={() => void togglePublished()} isPending={publish.pending}>
                  {fr.published ? t('report.publication.withdraw') : t('report.publication.publish')}
                </Button>
              )}
            </ReportActions>
          }
          meta={<ErrorMessage error={publish.error} />}
        />
      )}
    </>
  );
}
