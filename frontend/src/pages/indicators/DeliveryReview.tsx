import { type FormEvent } from 'react';
import { Button, Form } from 'react-aria-components';
import { useTranslation } from 'react-i18next';
import { ErrorMessage } from '../../components/ErrorMessage';
import { TextArea } from '../../components/TextArea';
import { useErrorText } from '../../lib/errors';
import { formText } from '../../lib/form';
import { formatDateTime, formatNumber } from '../../lib/format';
import { useMutation } from '../../lib/hooks';
import { AcceptDeliveryMutation, ReturnDeliveryMutation } from './operations';

/** What a confirmed delivery carries beyond its value, as the delivery page lists it. */
export interface ConfirmedParts {
  breakdown: { dimension: string; category: string; value: number }[];
  note?: string | null;
  noDataReason?: string | null;
  deliveredAt?: string | null;
  deliveredBy?: { name: string } | null;
  onTime?: boolean | null;
  acceptedAt?: string | null;
  acceptedBy?: { name: string } | null;
}

/** Breakdown (as a table), note, who delivered and who accepted: `dt`/`dd` pairs for a `dl`. */
export function ConfirmedFacts({ d }: { d: ConfirmedParts }) {
  const { t, i18n } = useTranslation();
  const lang = i18n.language;
  return (
    <>
      {d.noDataReason && (
        <>
          <dt>{t('indicators.noDataReason')}</dt>
          <dd>{d.noDataReason}</dd>
        </>
      )}
      {d.note && (
        <>
          <dt>{t('indicators.note')}</dt>
          <dd className="delivery-note">{d.note}</dd>
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
      {d.breakdown.length > 0 && (
        <>
          <dt>{t('indicators.breakdownShown')}</dt>
          <dd>
            <div className="table-wrap">
              <table className="breakdown-table">
                <thead>
                  <tr>
                    <th scope="col">{t('indicators.dimension')}</th>
                    <th scope="col">{t('indicators.category')}</th>
                    <th scope="col" className="num">
                      {t('indicators.value')}
                    </th>
                  </tr>
                </thead>
                <tbody>
                  {d.breakdown.map((b) => (
                    <tr key={`${b.dimension}-${b.category}`}>
                      <td>{b.dimension}</td>
                      <td>{b.category}</td>
                      <td className="num">{formatNumber(b.value, lang)}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          </dd>
        </>
      )}
    </>
  );
}

/** The coordinator's decision on a delivered value: accept it, or return it with a reason. */
export function AcceptOrReturn({ d, onChanged }: { d: { id: string; period: string }; onChanged: () => void }) {
  const { t } = useTranslation();
  const accept = useMutation(AcceptDeliveryMutation);
  const ret = useMutation(ReturnDeliveryMutation);
  const { fieldErrors } = useErrorText();
  const mapping = { fields: ['reason'] };

  async function onReturn(e: FormEvent<HTMLFormElement>) {
    e.preventDefault();
    const reason = formText(new FormData(e.currentTarget), 'reason').trim();
    if (await ret.run({ deliveryId: d.id, reason })) onChanged();
  }
  return (
    <div className="review-actions">
      <ErrorMessage error={accept.error} />
      <ErrorMessage error={ret.error} mapping={mapping} />
      <Button
        className="btn"
        isPending={accept.pending}
        onPress={() => void accept.run({ deliveryId: d.id }).then((r) => r && onChanged())}
      >
        {t('indicators.accept', { period: d.period })}
      </Button>
      <Form className="form" onSubmit={(e) => void onReturn(e)} validationErrors={fieldErrors(ret.error, mapping)}>
        <TextArea name="reason" label={t('indicators.returnReason')} isRequired rows={2} />
        <Button type="submit" className="btn btn-secondary" isPending={ret.pending}>
          {t('indicators.return')}
        </Button>
      </Form>
    </div>
  );
}
