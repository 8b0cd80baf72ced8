// The indicator page's district parts: the map of its delivered district cells, and (for
// coordinators) the small-number rule that hides values on public pages.
import { useState, type FormEvent } from 'react';
import { Button, Form } from 'react-aria-components';
import { useTranslation } from 'react-i18next';
import { ChoroplethMap, districtPeriods } from '../../components/map/ChoroplethMap';
import { ErrorMessage } from '../../components/ErrorMessage';
import { Expander } from '../../components/Expander';
import { TextInput } from '../../components/fields';
import { useErrorText } from '../../lib/errors';
import { formText } from '../../lib/form';
import { useMutation, useQuery } from '../../lib/hooks';
import { IndicatorSuppressionQuery, SetIndicatorSuppressionMutation } from '../coordination/districtOperations';

interface Delivery {
  period: string;
  status: string;
  breakdown: { dimension: string; category: string; value: number; code?: string | null }[];
}

/** The map of delivered and accepted values by district, oldest period first. */
export function IndicatorMap({ name, unit, deliveries }: { name: string; unit: string; deliveries: Delivery[] }) {
  const { t } = useTranslation();
  const shown = deliveries
    .filter((d) => d.status === 'DELIVERED' || d.status === 'ACCEPTED')
    .sort((a, b) => a.period.localeCompare(b.period));
  const periods = districtPeriods(shown);
  if (periods.length === 0) return null;
  return (
    <section aria-labelledby="ind-map">
      <h2 id="ind-map">{t('map.heading')}</h2>
      <ChoroplethMap name={name} unit={unit} periods={periods} />
    </section>
  );
}

export function SuppressionRule({ indicatorId }: { indicatorId: string }) {
  const { t, i18n } = useTranslation();
  const q = useQuery(IndicatorSuppressionQuery, { indicatorId });
  const save = useMutation(SetIndicatorSuppressionMutation);
  const { fieldErrors } = useErrorText();
  const [saved, setSaved] = useState(false);
  const current = q.data?.indicatorSuppression ?? null;
  const fields = { fields: ['suppressBelow'] };

  async function onSubmit(e: FormEvent<HTMLFormElement>) {
    e.preventDefault();
    setSaved(false);
    const raw = formText(new FormData(e.currentTarget), 'suppressBelow').trim().replace(',', '.');
    const r = await save.run({
      indicatorId,
      suppressBelow: raw === '' ? null : Number(raw),
      expectedVersion: current?.version ?? null,
    });
    if (r) {
      setSaved(true);
      q.refetch();
    }
  }

  return (
    <Expander title={t('suppression.title')}>
      <p>{t('suppression.help')}</p>
      {!current && q.data && <p>{t('suppression.none')}</p>}
      {saved && (
        <p role="status" className="alert alert-success">
          {t('suppression.saved')}
        </p>
      )}
      <ErrorMessage error={save.error} mapping={fields} />
      <Form className="form" onSubmit={(e) => void onSubmit(e)} validationErrors={fieldErrors(save.error, fields)}>
        <TextInput
          key={current?.version ?? 0}
          name="suppressBelow"
          label={t('suppression.below')}
          inputMode="decimal"
          defaultValue={current ? current.suppressBelow.toLocaleString(i18n.language) : ''}
        />
        <Button type="submit" className="btn" isPending={save.pending}>
          {t('suppression.save')}
        </Button>
      </Form>
    </Expander>
  );
}
