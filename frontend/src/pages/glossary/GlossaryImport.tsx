import { useState } from 'react';
import { Button, Checkbox } from 'react-aria-components';
import { useTranslation } from 'react-i18next';
import { Expander } from '../../components/Expander';
import { ErrorMessage } from '../../components/ErrorMessage';
import { RadioField } from '../../components/fields';
import { TextArea } from '../../components/TextArea';
import type { GlossaryImportMutation, ImportFormat } from '../../gql/graphql';
import { errorsOf } from '../../lib/errors';
import { useMutation } from '../../lib/hooks';
import { bareMessage } from '../../lib/serverMessages';
import { ImportGlossaryMutation } from './operations';
import { readTextFile } from '../../lib/textFile';

type Report = GlossaryImportMutation['importGlossary'];

/** Coordinators import Turtle or CSV: first a dry run with its report, then the real import. */
export function GlossaryImport({ onApplied }: { onApplied: () => void }) {
  const { t } = useTranslation();
  const run = useMutation(ImportGlossaryMutation);
  const [format, setFormat] = useState<ImportFormat>('TURTLE');
  const [content, setContent] = useState('');
  const [keepStates, setKeepStates] = useState(false);
  const [report, setReport] = useState<{
    report: Report;
    content: string;
    format: ImportFormat;
    keepStates: boolean;
  } | null>(null);

  async function dryRun() {
    setReport(null);
    const r = await run.run({ format, content, dryRun: true, keepStates });
    if (r) setReport({ report: r.importGlossary, content, format, keepStates });
  }

  async function apply() {
    if (!report) return;
    const r = await run.run({
      format: report.format,
      content: report.content,
      dryRun: false,
      keepStates: report.keepStates,
    });
    if (r) {
      setReport({ ...report, report: r.importGlossary });
      onApplied();
    }
  }

  const canApply =
    report?.report.dryRun && report.content === content && report.format === format && report.keepStates === keepStates;
  const notKept = report ? report.report.notKept.length + report.report.terms.filter((x) => x.notKept.length).length : 0;
  return (
    <Expander title={t('glossary.import')}>
      <p>{t('glossary.importHelp')}</p>
      <RadioField
        name="format"
        label={t('glossary.importFormat')}
        value={format}
        onChange={(v) => setFormat(v === 'CSV' ? 'CSV' : 'TURTLE')}
        options={[
          { id: 'TURTLE', label: 'Turtle (SKOS)' },
          { id: 'CSV', label: 'CSV' },
        ]}
      />
      <label className="field">
        <span className="file-label">{t('glossary.importFile')}</span>
        <input
          type="file"
          accept=".ttl,.csv,text/turtle,text/csv"
          onChange={(e) => {
            const file = e.currentTarget.files?.[0];
            if (file) void readTextFile(file).then(setContent);
          }}
        />
      </label>
      <TextArea
        name="content"
        label={t('glossary.importContent')}
        value={content}
        onChange={setContent}
        rows={8}
        isRequired
      />
      <Checkbox className="checkbox" isSelected={keepStates} onChange={setKeepStates}>
        <span className="checkbox-box" aria-hidden="true" />
        {t('glossary.importKeepStates')}
      </Checkbox>
      <div className="row-actions">
        <Button className="btn btn-secondary" onPress={() => void dryRun()} isPending={run.pending} isDisabled={!content}>
          {t('glossary.importDryRun')}
        </Button>
        {canApply && (
          <Button className="btn" onPress={() => void apply()} isPending={run.pending}>
            {t('glossary.importApply')}
          </Button>
        )}
      </div>
      <ErrorMessage error={run.error} />
      {errorsOf(run.error)
        .filter((e) => e.code === 'VALIDATION')
        .map((e) => (
          <p key={e.message} className="field-error">
            {t('glossary.importRefused', { detail: bareMessage(e) })}
          </p>
        ))}
      {report && (
        <div role="status" className="import-report">
          <p>
            <strong>{report.report.dryRun ? t('glossary.importReportDry') : t('glossary.importReportDone')}</strong>{' '}
            {t('glossary.importCounts', {
              created: report.report.created,
              updated: report.report.updated,
              unchanged: report.report.unchanged,
            })}
          </p>
          {notKept > 0 && <p className="field-error">{t('glossary.importNotKeptSummary')}</p>}
          {report.report.notKept.length > 0 && (
            <ul aria-label={t('glossary.importNotKept')}>
              {report.report.notKept.map((n) => (
                <li key={n}>{n}</li>
              ))}
            </ul>
          )}
          {report.report.terms.length > 0 && (
            <div className="table-wrap" tabIndex={0} role="region" aria-label={t('glossary.importTerms')}>
              <table>
                <thead>
                  <tr>
                    <th scope="col">{t('glossary.label')}</th>
                    <th scope="col">{t('glossary.importChange')}</th>
                    <th scope="col">{t('glossary.importDetails')}</th>
                    <th scope="col">{t('glossary.importNotes')}</th>
                    <th scope="col">{t('glossary.importNotKept')}</th>
                  </tr>
                </thead>
                <tbody>
                  {report.report.terms.map((term) => (
                    <tr key={term.label}>
                      <th scope="row">{term.label}</th>
                      <td>{t(`glossary.change.${term.change}`)}</td>
                      <td>{term.details.join(', ') || '–'}</td>
                      <td>{term.notes.join('; ') || '–'}</td>
                      <td>
                        {term.notKept.length === 0
                          ? '–'
                          : term.notKept.map((n) => (
                              <div key={n} className="not-kept">
                                {n}
                              </div>
                            ))}
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          )}
        </div>
      )}
    </Expander>
  );
}
