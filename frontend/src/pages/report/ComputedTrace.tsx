// A computed indicator in the report: the formula with both inputs, and per period the value
// with the numerator's and denominator's values (linked to their deliveries inside the app), so
// that every figure can be traced; periods without a value say why.
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import type { MonitoringReportQuery } from '../../gql/graphql';
import { formatNumber } from '../../lib/format';

type Report = NonNullable<MonitoringReportQuery['monitoringReport']>;
type ReportIndicator = Report['fields'][number]['goals'][number]['indicators'][number];

export function ComputedTrace({ ind, internalLinks }: { ind: ReportIndicator; internalLinks: boolean }) {
  const { t, i18n } = useTranslation();
  const f = ind.formula;
  if (!f) return null;
  const fmt = (v: number) => formatNumber(v, i18n.language);
  const input = (value: number, deliveryId: string, period: string, code: string) =>
    internalLinks ? (
      <Link to={`/lieferungen/${deliveryId}`} aria-label={t('computed.inputDelivery', { code, period })}>
        {fmt(value)}
      </Link>
    ) : (
      fmt(value)
    );
  // Values and periods without one, in time order (period labels sort as text).
  const rows = [
    ...ind.series.map((p) => ({ kind: 'value' as const, period: p.period, p })),
    ...ind.ratioGaps.map((g) => ({ kind: 'gap' as const, period: g.period, g })),
  ].sort((a, b) => a.period.localeCompare(b.period));
  const caption = t('computed.reportTable', { name: `${ind.code} ${ind.name}` });
  return (
    <div className="report-computed">
      <p>
        {t('computed.formulaIntro')} {f.numerator.code} ({f.numerator.name}) ÷ {f.denominator.code} ({f.denominator.name}) ×{' '}
        {fmt(f.factor)}
      </p>
      <div className="table-wrap" tabIndex={0} role="region" aria-label={caption}>
        <table>
          <caption>{caption}</caption>
          <thead>
            <tr>
              <th scope="col">{t('indicators.period')}</th>
              <th scope="col">{t('computed.value', { unit: ind.unit })}</th>
              <th scope="col">{t('computed.numerator', { code: f.numerator.code })}</th>
              <th scope="col">{t('computed.denominator', { code: f.denominator.code })}</th>
            </tr>
          </thead>
          <tbody>
            {rows.map((r) =>
              r.kind === 'value' ? (
                <tr key={r.p.period}>
                  <th scope="row">{r.p.period}</th>
                  <td>{fmt(r.p.value)}</td>
                  <td>
                    {r.p.inputs ? input(r.p.inputs.numerator, r.p.inputs.numeratorDeliveryId, r.p.period, f.numerator.code) : '–'}
                  </td>
                  <td>
                    {r.p.inputs
                      ? input(r.p.inputs.denominator, r.p.inputs.denominatorDeliveryId, r.p.period, f.denominator.code)
                      : '–'}
                  </td>
                </tr>
              ) : (
                <tr key={r.g.period}>
                  <th scope="row">{r.g.period}</th>
                  <td colSpan={3}>{t(`computed.gaps.${r.g.gap}`)}</td>
                </tr>
              ),
            )}
          </tbody>
        </table>
      </div>
    </div>
  );
}
