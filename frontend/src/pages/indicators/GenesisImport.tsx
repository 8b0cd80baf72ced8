// GENESIS import on the indicator page: map a table once, then upload its flat file (CSV or
// ZIP), see the dry run (created / changed / unchanged / refused, markers, line errors) and
// import it. The file goes as multipart to the one upload endpoint, with the CSRF header.
import { useState, type FormEvent } from 'react';
import { Button, Form } from 'react-aria-components';
import { useTranslation } from 'react-i18next';
import { ErrorMessage } from '../../components/ErrorMessage';
import { Expander } from '../../components/Expander';
import { SelectField, TextInput } from '../../components/fields';
import type { IndicatorDetailQuery } from '../../gql/graphql';
import { normalizeError, RequestError } from '../../lib/client';
import { useErrorText } from '../../lib/errors';
import { formText } from '../../lib/form';
import { formatNumber } from '../../lib/format';
import { useMutation } from '../../lib/hooks';
import { SetGenesisMappingMutation } from './operations';

type Mapping = NonNullable<NonNullable<IndicatorDetailQuery['indicator']>['genesisMapping']>;

export interface ImportReport {
  dryRun: boolean;
  applied: boolean;
  decimalComma: boolean;
  counts: { created: number; changed: number; unchanged: number; refused: number; markers: number; errors: number };
  periods: {
    indicatorCode?: string;
    period: string;
    line: number;
    outcome: string;
    value: number;
    previous: number | null;
    reason: string | null;
  }[];
  markers?: { line: number; time: string; category: string | null; marker: string; meaning: string }[];
  errors: { line: number; message: string }[];
}

/** `GEMEIN=05515000, GES=GESW` → filters; empty parts are dropped. */
export function parseFilters(raw: string): { variable: string; attribute: string }[] {
  return raw
    .split(/[,;\n]/)
    .map((p) => p.trim())
    .filter((p) => p !== '')
    .map((p) => {
      const [variable = '', attribute = ''] = p.split('=').map((s) => s.trim());
      return { variable, attribute };
    });
}

/** Posts the file; answers the report or throws the server's error like `request` does. */
export async function uploadFile(path: string, file: File, dryRun: boolean): Promise<ImportReport> {
  const form = new FormData();
  form.append('file', file);
  let response: Response;
  try {
    response = await fetch(`${path}${path.includes('?') ? '&' : '?'}dryRun=${dryRun}`, {
      method: 'POST',
      credentials: 'same-origin',
      headers: { 'X-Teilhabe-Csrf': '1' },
      body: form,
    });
  } catch (e) {
    throw new RequestError([{ code: 'NETWORK', message: String(e) }]);
  }
  const body = (await response.json().catch(() => ({}))) as Partial<ImportReport> & { errors?: unknown };
  if (!response.ok) {
    const raw = Array.isArray(body.errors) ? (body.errors as Parameters<typeof normalizeError>[0][]) : [];
    throw new RequestError(raw.length ? raw.map(normalizeError) : [{ code: 'INTERNAL', message: `HTTP ${response.status}` }]);
  }
  return withCounts(body as Omit<ImportReport, 'counts'> & { counts?: ImportReport['counts'] });
}

/** A comparison series' import answers its periods without counts: counted here alike. */
export function withCounts(r: Omit<ImportReport, 'counts'> & { counts?: ImportReport['counts'] }): ImportReport {
  const count = (outcome: string) => r.periods.filter((p) => p.outcome === outcome).length;
  return {
    ...r,
    counts: r.counts ?? {
      created: count('CREATED'),
      changed: count('CHANGED'),
      unchanged: count('UNCHANGED'),
      refused: count('REFUSED'),
      markers: r.markers?.length ?? 0,
      errors: r.errors.length,
    },
  };
}

export function GenesisImport({
  indicatorId,
  mapping,
  unit,
  onDone,
}: {
  indicatorId: string;
  mapping: Mapping | null | undefined;
  unit: string;
  onDone: () => void;
}) {
  const { t } = useTranslation();
  return (
    <Expander title={t('genesis.title')}>
      <MappingForm indicatorId={indicatorId} mapping={mapping} onDone={onDone} />
      {mapping && (
        <Upload
          path={`/api/indicators/${indicatorId}/imports/genesis`}
          accept=".csv,.zip,text/csv,application/zip"
          label={t('genesis.file')}
          unit={unit}
          onDone={onDone}
        />
      )}
      {mapping && <ReferenceImport indicatorId={indicatorId} unit={unit} onDone={onDone} />}
    </Expander>
  );
}

const REFERENCE_KINDS = ['STATE', 'COUNTRY', 'CITY', 'REGION', 'OTHER'] as const;

/**
 * A comparison series ("Vergleichswert") from the same GENESIS table: the mapping's value
 * variable with another region's filters, e.g. `DLAND=05` for NRW.
 */
function ReferenceImport({ indicatorId, unit, onDone }: { indicatorId: string; unit: string; onDone: () => void }) {
  const { t } = useTranslation();
  const [label, setLabel] = useState('');
  const [kind, setKind] = useState<string>('STATE');
  const [filters, setFilters] = useState('');
  const query = new URLSearchParams({ label: label.trim(), kind, filters: filters.trim() });
  return (
    <section aria-labelledby="reference-import">
      <h3 id="reference-import">{t('reference.importTitle')}</h3>
      <p>{t('reference.importHelp')}</p>
      <div className="form">
        <TextInput name="referenceLabel" label={t('reference.label')} value={label} onChange={setLabel} isRequired />
        <SelectField
          name="referenceKind"
          label={t('reference.kind')}
          value={kind}
          onChange={setKind}
          options={REFERENCE_KINDS.map((k) => ({ id: k, label: t(`reference.kinds.${k}`) }))}
        />
        <TextInput
          name="referenceFilters"
          label={t('reference.filters')}
          description={t('reference.filtersHelp')}
          value={filters}
          onChange={setFilters}
          isRequired
        />
      </div>
      {label.trim() && filters.trim() && (
        <Upload
          path={`/api/indicators/${indicatorId}/imports/reference?${query.toString()}`}
          accept=".csv,.zip,text/csv,application/zip"
          label={t('reference.file')}
          unit={unit}
          onDone={onDone}
          headingId="reference-upload"
        />
      )}
    </section>
  );
}

function MappingForm({ indicatorId, mapping, onDone }: { indicatorId: string; mapping: Mapping | null | undefined; onDone: () => void }) {
  const { t } = useTranslation();
  const save = useMutation(SetGenesisMappingMutation);
  const { fieldErrors } = useErrorText();
  const [saved, setSaved] = useState(false);
  const fields = { fields: ['tableCode', 'valueVariable', 'source', 'variable', 'attribute'] };

  async function onSubmit(e: FormEvent<HTMLFormElement>) {
    e.preventDefault();
    setSaved(false);
    const f = new FormData(e.currentTarget);
    const r = await save.run({
      indicatorId,
      expectedVersion: mapping?.version ?? null,
      input: {
        tableCode: formText(f, 'tableCode').trim(),
        valueVariable: formText(f, 'valueVariable').trim(),
        filters: parseFilters(formText(f, 'filters')),
        source: formText(f, 'source').trim(),
      },
    });
    if (r) {
      setSaved(true);
      onDone();
    }
  }
  return (
    <section aria-labelledby="genesis-mapping">
      <h3 id="genesis-mapping">{t('genesis.mapping')}</h3>
      <p>{t('genesis.mappingHelp')}</p>
      <ErrorMessage error={save.error} mapping={fields} />
      {saved && (
        <p role="status" className="alert alert-success">
          {t('genesis.saved')}
        </p>
      )}
      <Form className="form" onSubmit={(e) => void onSubmit(e)} validationErrors={fieldErrors(save.error, fields)}>
        <TextInput name="tableCode" label={t('genesis.tableCode')} defaultValue={mapping?.tableCode ?? ''} isRequired />
        <TextInput name="valueVariable" label={t('genesis.valueVariable')} defaultValue={mapping?.valueVariable ?? ''} isRequired />
        <TextInput
          name="filters"
          label={t('genesis.filters')}
          description={t('genesis.filtersHelp')}
          defaultValue={mapping?.filters.map((f) => `${f.variable}=${f.attribute}`).join(', ') ?? ''}
        />
        <TextInput name="source" label={t('genesis.source')} defaultValue={mapping?.source ?? ''} isRequired />
        <Button type="submit" className="btn" isPending={save.pending}>
          {t('genesis.saveMapping')}
        </Button>
      </Form>
    </section>
  );
}

/** A department's spreadsheet with values of many indicators (CSV or XLSX). */
export function SheetImport({ onDone }: { onDone: () => void }) {
  const { t } = useTranslation();
  return (
    <Expander title={t('genesis.sheetTitle')}>
      <p>{t('genesis.sheetHelp')}</p>
      <Upload
        path="/api/imports/sheet"
        accept=".csv,.xlsx,text/csv,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
        label={t('genesis.sheetFile')}
        unit=""
        onDone={onDone}
      />
    </Expander>
  );
}

function Upload({
  path,
  accept,
  label,
  unit,
  onDone,
  headingId = 'genesis-upload',
}: {
  path: string;
  accept: string;
  label: string;
  unit: string;
  onDone: () => void;
  headingId?: string;
}) {
  const { t, i18n } = useTranslation();
  const lang = i18n.language;
  const [file, setFile] = useState<File | null>(null);
  const [report, setReport] = useState<ImportReport | null>(null);
  const [error, setError] = useState<unknown>(undefined);
  const [pending, setPending] = useState(false);

  async function run(dryRun: boolean) {
    if (!file) return;
    setPending(true);
    setError(undefined);
    try {
      const r = await uploadFile(path, file, dryRun);
      setReport(r);
      if (r.applied) onDone();
    } catch (e) {
      setError(e);
    } finally {
      setPending(false);
    }
  }
  const c = report?.counts;
  return (
    <section aria-labelledby={headingId}>
      <h3 id={headingId}>{t('genesis.upload')}</h3>
      <ErrorMessage error={error} />
      <form className="form" onSubmit={(e) => e.preventDefault()}>
        <label className="field">
          {label}
          <input
            type="file"
            accept={accept}
            onChange={(e) => {
              setFile(e.currentTarget.files?.[0] ?? null);
              setReport(null);
            }}
          />
        </label>
        <Button className="btn" isDisabled={!file} isPending={pending} onPress={() => void run(true)}>
          {t('genesis.dryRun')}
        </Button>
      </form>
      {report && c && (
        <div role="status" aria-live="polite">
          <p className={report.applied ? 'alert alert-success' : undefined}>
            {report.applied ? t('genesis.applied') : report.dryRun ? t('genesis.preview') : t('genesis.notApplied')}{' '}
            {t('genesis.counts', c)}
          </p>
          {report.periods.length > 0 && (
            <table className="data-table">
              <caption>{t('genesis.periods')}</caption>
              <thead>
                <tr>
                  {report.periods.some((p) => p.indicatorCode) && <th scope="col">{t('genesis.indicator')}</th>}
                  <th scope="col">{t('indicators.period')}</th>
                  <th scope="col">{t('genesis.outcome')}</th>
                  <th scope="col">{t('indicators.value')}</th>
                  <th scope="col">{t('genesis.previous')}</th>
                  <th scope="col">{t('genesis.line')}</th>
                </tr>
              </thead>
              <tbody>
                {report.periods.map((p) => (
                  <tr key={`${p.indicatorCode ?? ''}-${p.period}`}>
                    {p.indicatorCode && <td>{p.indicatorCode}</td>}
                    <th scope="row">{p.period}</th>
                    <td>
                      {t(`genesis.outcomes.${p.outcome}`)}
                      {p.reason && ` – ${p.reason}`}
                    </td>
                    <td>
                      {formatNumber(p.value, lang)} {unit}
                    </td>
                    <td>{p.previous != null ? formatNumber(p.previous, lang) : '–'}</td>
                    <td>{p.line}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
          {report.markers && report.markers.length > 0 && (
            <>
              <h4>{t('genesis.markers')}</h4>
              <ul>
                {report.markers.map((m) => (
                  <li key={m.line}>
                    {t('genesis.lineNo', { line: m.line })}: {m.time}
                    {m.category && ` (${m.category})`} „{m.marker}“ – {m.meaning}
                  </li>
                ))}
              </ul>
            </>
          )}
          {report.errors.length > 0 && (
            <>
              <h4>{t('genesis.errors')}</h4>
              <ul className="errors">
                {report.errors.map((e) => (
                  <li key={`${e.line}-${e.message}`}>
                    {t('genesis.lineNo', { line: e.line })}: {e.message}
                  </li>
                ))}
              </ul>
            </>
          )}
          {report.dryRun && report.errors.length === 0 && c.created + c.changed > 0 && (
            <Button className="btn" isPending={pending} onPress={() => void run(false)}>
              {t('genesis.import')}
            </Button>
          )}
        </div>
      )}
    </section>
  );
}
