import { useState, type FormEvent } from 'react';
import { Button, Form } from 'react-aria-components';
import { useTranslation } from 'react-i18next';
import { ErrorMessage } from '../../components/ErrorMessage';
import { SelectField, TextInput } from '../../components/fields';
import { Loading } from '../../components/Notice';
import { PageHeading } from '../../components/PageHeading';
import { QueryView } from '../../components/QueryView';
import { formText } from '../../lib/form';
import { useQuery } from '../../lib/hooks';
import { canCoordinate, useUser } from '../../session/context';
import { MonitoringReportQuery, ReportEditionsQuery } from './operations';
import { ReportActions } from './ReportActions';
import { ReportDocument } from './ReportDocument';
import { ReportNav } from './ReportNav';
import { ScopePanel } from './ScopePanel';

export { StatusBadge } from './ReportDocument';

/** The query string of the download links: `?from=2023&to=2025`, empty parts left out. */
export function periodQuery(from: string, to: string): string {
  const params = new URLSearchParams();
  if (from) params.set('from', from);
  if (to) params.set('to', to);
  const s = params.toString();
  return s ? `?${s}` : '';
}

interface Choice {
  leitbildId: string;
  from: string;
  to: string;
}

export function ReportPage() {
  const { t } = useTranslation();
  const editions = useQuery(ReportEditionsQuery);
  const [choice, setChoice] = useState<Choice | null>(null);
  const list = editions.data?.leitbilder ?? [];
  const adopted = list.find((l) => l.status === 'ADOPTED') ?? list[0];
  const current: Choice | null = choice ?? (adopted ? { leitbildId: adopted.id, from: '', to: '' } : null);

  function onSubmit(e: FormEvent<HTMLFormElement>) {
    e.preventDefault();
    const data = new FormData(e.currentTarget);
    const leitbildId = formText(data, 'leitbild') || current?.leitbildId || '';
    if (!leitbildId) return;
    setChoice({ leitbildId, from: formText(data, 'from'), to: formText(data, 'to') });
  }

  return (
    <>
      <PageHeading title={t('report.title')} />
      <ReportNav />
      <p className="no-print">{t('report.intro')}</p>
      {editions.loading && !editions.data && <Loading />}
      <ErrorMessage error={editions.error} />
      {editions.data && list.length === 0 && <p>{t('report.noEditions')}</p>}
      {current && (
        <Form className="report-form no-print" onSubmit={onSubmit} aria-label={t('report.choose')}>
          <SelectField
            label={t('report.edition')}
            name="leitbild"
            defaultValue={current.leitbildId}
            options={list.map((l) => ({ id: l.id, label: `${l.title} (${l.year}, ${t(`report.editionStatus.${l.status}`)})` }))}
          />
          <TextInput label={t('report.from')} name="from" defaultValue={current.from} description={t('report.periodHint')} />
          <TextInput label={t('report.to')} name="to" defaultValue={current.to} />
          <Button type="submit" className="btn">
            {t('report.show')}
          </Button>
        </Form>
      )}
      {current && <ReportView choice={current} />}
    </>
  );
}

function ReportView({ choice }: { choice: Choice }) {
  const { t } = useTranslation();
  const user = useUser();
  const q = useQuery(MonitoringReportQuery, {
    leitbildId: choice.leitbildId,
    fromPeriod: choice.from || null,
    toPeriod: choice.to || null,
  });
  return (
    <QueryView query={q} select={(d) => d.monitoringReport}>
      {(report) => (
        <ReportDocument
          report={report}
          info={{ title: t('report.doc.liveTitle'), date: report.generatedAt }}
          busy={q.loading}
          editTexts={canCoordinate(user)}
          onTextSaved={q.refetch}
          actions={
            <ReportActions
              base={`/api/reports/${encodeURIComponent(report.leitbildId)}/monitoring`}
              query={periodQuery(choice.from, choice.to)}
            />
          }
          meta={canCoordinate(user) ? <ScopePanel leitbildId={report.leitbildId} onSaved={q.refetch} /> : undefined}
        />
      )}
    </QueryView>
  );
}
