import { useState, type FormEvent, type ReactNode } from 'react';
import { Button, Form } from 'react-aria-components';
import { useTranslation } from 'react-i18next';
import { ErrorMessage } from '../../components/ErrorMessage';
import { RadioField, SelectField, TextInput } from '../../components/fields';
import { DateField } from '../../components/DateField';
import { TextArea } from '../../components/TextArea';
import { errorsOf, useErrorText } from '../../lib/errors';
import { formText } from '../../lib/form';
import { intlLocale } from '../../lib/format';
import { useMutation } from '../../lib/hooks';
import type { ConfirmDeliveryByLinkMutation as ByLinkResult } from '../../gql/graphql';
import { parsePastedRows, parseSheetNumber } from './breakdownPaste';
import { ConfirmDeliveryByLinkMutation, ConfirmDeliveryMutation } from './operations';

/** The delivery as the signed link shows it, after confirming through it. */
export type LinkResult = ByLinkResult['confirmDeliveryByLink'];

export interface DefinitionOption {
  id: string;
  label: string;
}

const NONE = '__none__';
const FIELDS = { fields: ['value', 'note', 'reason', 'expectedAt', 'definitionId', 'breakdown'] };

/** Parses "12,5", "1.234,5" or "12.5" into a number; NaN when not a number. */
export const parseDecimal = parseSheetNumber;

/** A breakdown row of the form; `initial` holds what a paste filled in. */
interface Row {
  id: number;
  initial?: { dimension: string; category: string; value: string };
}

/** The owner confirms a delivery: a value (with optional breakdown), or "no new data yet". */
export function ConfirmDeliveryForm({
  deliveryId,
  version,
  unit,
  definitions,
  onDone,
  token,
  errorSummary,
}: {
  deliveryId: string;
  version: number;
  unit: string;
  definitions: DefinitionOption[];
  onDone: (byLink?: LinkResult) => void;
  /** Confirm through the signed link of a reminder mail (`confirmDeliveryByLink`). */
  token?: string;
  /** Replaces the default error summary (e.g. with the link's own wording); null keeps it. */
  errorSummary?: (error: unknown) => ReactNode;
}) {
  const { t, i18n } = useTranslation();
  const direct = useMutation(ConfirmDeliveryMutation);
  const byLink = useMutation(ConfirmDeliveryByLinkMutation);
  const confirm = {
    error: token === undefined ? direct.error : byLink.error,
    pending: token === undefined ? direct.pending : byLink.pending,
    /** Sends the confirmation; calls onDone when it went through. */
    async run(vars: Parameters<typeof direct.run>[0]): Promise<void> {
      if (token === undefined) {
        if (await direct.run(vars)) onDone();
        return;
      }
      const r = await byLink.run({ ...vars, token });
      if (r) onDone(r.confirmDeliveryByLink);
    },
  };
  const summary = errorSummary?.(confirm.error) ?? null;
  const { fieldErrors, plain } = useErrorText();
  // The row ids in the order the breakdown was sent, so that `breakdown[i].value` finds its row.
  const [sentRows, setSentRows] = useState<number[]>([]);
  const [mode, setMode] = useState<'value' | 'nodata'>('value');
  const [rows, setRows] = useState<Row[]>([]);
  const [pasteNote, setPasteNote] = useState<string | null>(null);
  const numberFormat = new Intl.NumberFormat(intlLocale(i18n.language), { useGrouping: false, maximumFractionDigits: 10 });

  /** Rows pasted from a spreadsheet: appended after the rows already filled in. */
  function takePaste(text: string): boolean {
    const { rows: pasted, badLines } = parsePastedRows(text);
    if (pasted.length === 0 && badLines.length === 0) return false;
    const added = pasted.map((r, i) => ({
      id: next + i,
      initial: { dimension: r.dimension, category: r.category, value: numberFormat.format(r.value) },
    }));
    setRows([...rows, ...added]);
    setNext(next + pasted.length);
    setPasteNote(
      badLines.length > 0
        ? t('indicators.pastePartly', { count: pasted.length, lines: badLines.join(', ') })
        : t('indicators.pasteDone', { count: pasted.length }),
    );
    return true;
  }
  const [next, setNext] = useState(0);
  const [localError, setLocalError] = useState<string | null>(null);

  async function onSubmit(e: FormEvent<HTMLFormElement>) {
    e.preventDefault();
    setLocalError(null);
    const f = new FormData(e.currentTarget);
    const note = formText(f, 'note').trim() || null;
    if (mode === 'nodata') {
      const date = formText(f, 'expectedAt');
      await confirm.run({
        deliveryId,
        expectedVersion: version,
        note,
        noNewData: {
          reason: formText(f, 'reason').trim(),
          expectedAt: date ? new Date(`${date}T12:00:00`).toISOString() : '',
        },
      });
      return;
    }
    const value = parseDecimal(formText(f, 'value'));
    if (Number.isNaN(value)) {
      setLocalError(t('indicators.valueInvalid'));
      return;
    }
    const breakdown = [];
    const sent: number[] = [];
    for (const { id } of rows) {
      const dimension = formText(f, `dim-${id}`).trim();
      const category = formText(f, `cat-${id}`).trim();
      const v = parseDecimal(formText(f, `val-${id}`));
      if (!dimension && !category && Number.isNaN(v)) continue;
      if (!dimension || !category || Number.isNaN(v)) {
        setLocalError(t('indicators.breakdownInvalid'));
        return;
      }
      breakdown.push({ dimension, category, value: v });
      sent.push(id);
    }
    setSentRows(sent);
    const def = formText(f, 'definitionId');
    await confirm.run({
      deliveryId,
      expectedVersion: version,
      value,
      note,
      breakdown,
      definitionId: def && def !== NONE ? def : null,
    });
  }

  /** Field errors; a breakdown row's error (`breakdown[1].value`) at that row, not at the total. */
  function validationErrors(): Record<string, string> {
    const out = fieldErrors(confirm.error, FIELDS);
    const prefixes = { dimension: 'dim', category: 'cat', value: 'val' } as const;
    let totalOk = true;
    for (const e of errorsOf(confirm.error)) {
      if (e.path === 'value') totalOk = false;
      const m = /^breakdown\[(\d+)\]\.(dimension|category|value)$/.exec(e.path ?? '');
      const id = m ? sentRows[Number(m[1])] : undefined;
      if (!m || id === undefined) continue;
      out[`${prefixes[m[2] as keyof typeof prefixes]}-${id}`] = plain(e);
    }
    if (totalOk && errorsOf(confirm.error).some((e) => e.path?.startsWith('breakdown['))) delete out.value;
    return out;
  }

  return (
    <Form className="form" onSubmit={(e) => void onSubmit(e)} validationErrors={validationErrors()}>
      {summary ?? <ErrorMessage error={confirm.error} mapping={FIELDS} />}
      {localError && (
        <p role="alert" className="alert alert-error">
          {localError}
        </p>
      )}
      <RadioField
        name="mode"
        label={t('indicators.confirmMode')}
        value={mode}
        onChange={(v) => setMode(v === 'nodata' ? 'nodata' : 'value')}
        options={[
          { id: 'value', label: t('indicators.modeValue') },
          { id: 'nodata', label: t('indicators.modeNoData') },
        ]}
      />
      {mode === 'value' ? (
        <>
          <TextInput name="value" label={t('indicators.valueIn', { unit })} inputMode="decimal" isRequired />
          {definitions.length > 0 && (
            <SelectField
              name="definitionId"
              label={t('indicators.definitionUsed')}
              defaultValue={NONE}
              options={[{ id: NONE, label: t('indicators.noDefinition') }, ...definitions]}
            />
          )}
          <fieldset className="breakdown">
            <legend>{t('indicators.breakdown')}</legend>
            {rows.map(({ id, initial }, i) => (
              <div className="breakdown-row" key={id}>
                <TextInput name={`dim-${id}`} label={t('indicators.dimensionN', { n: i + 1 })} defaultValue={initial?.dimension} />
                <TextInput name={`cat-${id}`} label={t('indicators.categoryN', { n: i + 1 })} defaultValue={initial?.category} />
                <TextInput
                  name={`val-${id}`}
                  label={t('indicators.breakdownValueN', { n: i + 1 })}
                  inputMode="decimal"
                  defaultValue={initial?.value}
                />
                <Button className="btn btn-small btn-secondary" onPress={() => setRows(rows.filter((r) => r.id !== id))}>
                  {t('indicators.removeRow', { n: i + 1 })}
                </Button>
              </div>
            ))}
            <Button
              className="btn btn-small btn-secondary"
              onPress={() => {
                setRows([...rows, { id: next }]);
                setNext(next + 1);
              }}
            >
              {t('indicators.addRow')}
            </Button>
            <div className="field breakdown-paste">
              <label htmlFor={`paste-${deliveryId}`}>{t('indicators.pasteLabel')}</label>
              <textarea
                id={`paste-${deliveryId}`}
                className="react-aria-Input textarea"
                rows={2}
                aria-describedby={`paste-${deliveryId}-hint`}
                onPaste={(e) => {
                  if (takePaste(e.clipboardData.getData('text/plain'))) e.preventDefault();
                }}
                onKeyDown={(e) => {
                  // Typed rather than pasted: Enter with Ctrl takes what was typed.
                  if (e.key === 'Enter' && (e.ctrlKey || e.metaKey) && takePaste(e.currentTarget.value)) {
                    e.preventDefault();
                    e.currentTarget.value = '';
                  }
                }}
              />
              <p id={`paste-${deliveryId}-hint`} className="field-description">
                {t('indicators.pasteHint')}
              </p>
              <p role="status" className="field-description">
                {pasteNote}
              </p>
            </div>
          </fieldset>
        </>
      ) : (
        <>
          <TextArea name="reason" label={t('indicators.noDataReason')} isRequired rows={2} />
          <DateField name="expectedAt" label={t('indicators.expectedAt')} isRequired />
        </>
      )}
      <TextArea name="note" label={t('indicators.note')} rows={2} />
      <Button type="submit" className="btn" isPending={confirm.pending}>
        {mode === 'value' ? t('indicators.confirmSubmit') : t('indicators.noDataSubmit')}
      </Button>
    </Form>
  );
}
