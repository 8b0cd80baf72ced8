// Computed indicators on the indicator page: the formula with links to both inputs, every
// period's value (or why there is none) with the inputs' values linked to their deliveries, and
// the form in which the owner or a coordinator sets or removes the formula.
import { useState, type FormEvent } from 'react';
import { Button, Form } from 'react-aria-components';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { ErrorMessage } from '../../components/ErrorMessage';
import { Expander } from '../../components/Expander';
import { SelectField } from '../../components/fields';
import type { IndicatorDetailQuery } from '../../gql/graphql';
import { useErrorText } from '../../lib/errors';
import { formText } from '../../lib/form';
import { formatNumber } from '../../lib/format';
import { useMutation, useQuery } from '../../lib/hooks';
import { FormulaChoicesQuery, RemoveIndicatorFormulaMutation, SetIndicatorFormulaMutation } from './computedOperations';

type Indicator = NonNullable<IndicatorDetailQuery['indicator']>;

/** "EINB ÷ AUSL × 100" with links to both inputs, and the table of computed values. */
export function ComputedValues({ ind }: { ind: Indicator }) {
  const { t, i18n } = useTranslation();
  const f = ind.formula;
  if (!f) return null;
  const fmt = (v: number) => formatNumber(v, i18n.language);
  const delivery = (indicatorId: string, deliveryId: string) => `/indikatoren/${indicatorId}#lieferung-${deliveryId}`;
  return (
    <section aria-labelledby="ind-computed">
      <h2 id="ind-computed">{t('computed.title')}</h2>
      <p className="computed-formula">
        {t('computed.formulaIntro')}{' '}
        {f.numerator ? <Link to={`/indikatoren/${f.numerator.id}`}>{f.numerator.code} – {f.numerator.name}</Link> : '–'}{' '}
        ÷ {f.denominator ? <Link to={`/indikatoren/${f.denominator.id}`}>{f.denominator.code} – {f.denominator.name}</Link> : '–'}{' '}
        × {fmt(f.factor)}
      </p>
      <p>{t('computed.noDeliveries')}</p>
      {ind.computedValues.length === 0 ? (
        <p>{t('computed.noValues')}</p>
      ) : (
        <div className="table-wrap" tabIndex={0} role="region" aria-label={t('computed.table')}>
          <table>
            <caption>{t('computed.table')}</caption>
            <thead>
              <tr>
                <th scope="col">{t('indicators.period')}</th>
                <th scope="col">{t('computed.value', { unit: ind.unit })}</th>
                <th scope="col">{t('computed.numerator', { code: f.numerator?.code ?? '' })}</th>
                <th scope="col">{t('computed.denominator', { code: f.denominator?.code ?? '' })}</th>
              </tr>
            </thead>
            <tbody>
              {ind.computedValues.map((v) => (
                <tr key={v.period}>
                  <th scope="row">{v.period}</th>
                  <td>{v.value != null ? fmt(v.value) : t(`computed.gaps.${v.gap ?? 'NUMERATOR_MISSING'}`)}</td>
                  <td>
                    {v.numerator && f.numerator ? (
                      <Link to={delivery(f.numerator.id, v.numerator.deliveryId)}>{fmt(v.numerator.value)}</Link>
                    ) : (
                      '–'
                    )}
                  </td>
                  <td>
                    {v.denominator && f.denominator ? (
                      <Link to={delivery(f.denominator.id, v.denominator.deliveryId)}>{fmt(v.denominator.value)}</Link>
                    ) : (
                      '–'
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}

/** Sets or removes the formula; for the owning organisation and coordinators. */
export function FormulaForm({ ind, onDone }: { ind: Indicator; onDone: () => void }) {
  const { t } = useTranslation();
  const [open, setOpen] = useState(false);
  return (
    <Expander title={t('computed.formTitle')} isExpanded={open} onExpandedChange={setOpen}>
      {open && <FormulaFields ind={ind} onDone={onDone} />}
    </Expander>
  );
}

function FormulaFields({ ind, onDone }: { ind: Indicator; onDone: () => void }) {
  const { t } = useTranslation();
  const choices = useQuery(FormulaChoicesQuery);
  const save = useMutation(SetIndicatorFormulaMutation);
  const remove = useMutation(RemoveIndicatorFormulaMutation);
  const { fieldErrors } = useErrorText();
  const [saved, setSaved] = useState(false);
  const fields = { fields: ['numeratorId', 'denominatorId', 'factor', 'indicatorId'] };
  const options = (choices.data?.indicators ?? [])
    .filter((i) => i.id !== ind.id && i.periodicity === ind.periodicity)
    .map((i) => ({ id: i.id, label: `${i.code} – ${i.name}` }));

  async function onSubmit(e: FormEvent<HTMLFormElement>) {
    e.preventDefault();
    setSaved(false);
    const f = new FormData(e.currentTarget);
    const r = await save.run({
      indicatorId: ind.id,
      expectedVersion: ind.version,
      input: {
        numeratorId: formText(f, 'numeratorId'),
        denominatorId: formText(f, 'denominatorId'),
        factor: Number(formText(f, 'factor') || '100'),
      },
    });
    if (r) {
      setSaved(true);
      onDone();
    }
  }

  async function onRemove() {
    const r = await remove.run({ indicatorId: ind.id, expectedVersion: ind.version });
    if (r) onDone();
  }

  return (
    <>
      <p>{t('computed.formHelp')}</p>
      <ErrorMessage error={save.error ?? remove.error} mapping={fields} />
      {saved && (
        <p role="status" className="alert alert-success">
          {t('computed.saved')}
        </p>
      )}
      <Form className="form" onSubmit={(e) => void onSubmit(e)} validationErrors={fieldErrors(save.error, fields)}>
        <SelectField
          name="numeratorId"
          label={t('computed.numeratorField')}
          options={options}
          defaultValue={ind.formula?.numerator?.id}
        />
        <SelectField
          name="denominatorId"
          label={t('computed.denominatorField')}
          options={options}
          defaultValue={ind.formula?.denominator?.id}
        />
        <SelectField
          name="factor"
          label={t('computed.factor')}
          options={[
            { id: '100', label: t('computed.per100') },
            { id: '1000', label: t('computed.per1000') },
          ]}
          defaultValue={String(ind.formula?.factor ?? 100)}
        />
        <Button type="submit" className="btn" isPending={save.pending}>
          {t('computed.save')}
        </Button>
      </Form>
      {ind.formula && (
        <Button className="btn btn-secondary" isPending={remove.pending} onPress={() => void onRemove()}>
          {t('computed.remove')}
        </Button>
      )}
    </>
  );
}
