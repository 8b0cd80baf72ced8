import { useState, type FormEvent } from 'react';
import { Button, Form } from 'react-aria-components';
import { useTranslation } from 'react-i18next';
import { ErrorMessage } from '../../components/ErrorMessage';
import { CheckboxField } from '../../components/fields';
import { formTexts } from '../../lib/form';
import { useMutation, useQuery } from '../../lib/hooks';
import { ReportScopeQuery, SetMonitoringScopeMutation } from './operations';

/**
 * The coordinator sets which fields of action the monitoring covers so far; gaps and the
 * "keine Daten" counts of the report look only there.
 */
export function ScopePanel({ leitbildId, onSaved }: { leitbildId: string; onSaved: () => void }) {
  const { t } = useTranslation();
  const q = useQuery(ReportScopeQuery, { id: leitbildId });
  const save = useMutation(SetMonitoringScopeMutation);
  const [saved, setSaved] = useState(false);
  const lb = q.data?.leitbild;
  if (!lb) return <ErrorMessage error={q.error} />;
  const fields = lb.fieldsOfAction;
  const scope = lb.monitoringScope;

  async function onSubmit(e: FormEvent<HTMLFormElement>) {
    e.preventDefault();
    setSaved(false);
    const chosen = formTexts(new FormData(e.currentTarget), 'fields');
    const r = await save.run({ leitbildId, fieldOfActionIds: chosen });
    if (r) {
      setSaved(true);
      q.refetch();
      onSaved();
    }
  }

  return (
    <details className="report-scope no-print">
      <summary>{t('report.scope.heading')}</summary>
      <p>{t('report.scope.intro')}</p>
      <p>
        {scope.length === 0
          ? t('report.scope.all')
          : t('report.scope.some', { count: scope.length, total: fields.length })}
      </p>
      <Form key={scope.join(',')} className="form" onSubmit={(e) => void onSubmit(e)}>
        <CheckboxField
          name="fields"
          label={t('report.scope.fields')}
          options={fields.map((f) => ({ id: f.id, label: f.title }))}
          defaultValue={scope}
        />
        <ErrorMessage error={save.error} />
        <Button type="submit" className="btn" isPending={save.pending}>
          {t('report.scope.save')}
        </Button>
      </Form>
      <div role="status">{saved && <p className="alert alert-success">{t('report.scope.saved')}</p>}</div>
    </details>
  );
}
