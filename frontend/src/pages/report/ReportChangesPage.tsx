import { useState } from 'react';
import { Button, Form } from 'react-aria-components';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { ErrorMessage } from '../../components/ErrorMessage';
import { SelectField } from '../../components/fields';
import { Loading } from '../../components/Notice';
import { PageHeading } from '../../components/PageHeading';
import { QueryView } from '../../components/QueryView';
import type { ChangeKind, ReportChangesQuery as ReportChangesData } from '../../gql/graphql';
import { formText } from '../../lib/form';
import { formatDateTime } from '../../lib/format';
import { useQuery } from '../../lib/hooks';
import { ReportChangesQuery, ReportEditionsQuery } from './operations';
import { ReportNav } from './ReportNav';
import './report.css';

/** The order in which the kinds of change are listed. */
export const CHANGE_KINDS: ChangeKind[] = [
  'GOAL_STATUS_CHANGED',
  'VALUE_ADDED',
  'INDICATOR_ADDED',
  'INDICATOR_DROPPED',
  'TERM_CHANGED',
  'DEFINITION_CHANGED',
  'SERIES_BREAK',
  'DELIVERY_LATE',
  'DELIVERY_MISSING',
];

/** The items grouped by kind, in the order above; kinds without items are left out. */
export function groupChanges<T extends { kind: ChangeKind }>(items: T[]): [ChangeKind, T[]][] {
  return CHANGE_KINDS.map((k) => [k, items.filter((i) => i.kind === k)] as [ChangeKind, T[]]).filter(
    ([, list]) => list.length > 0,
  );
}

export function ReportChangesPage() {
  const { t } = useTranslation();
  const editions = useQuery(ReportEditionsQuery);
  const list = editions.data?.leitbilder ?? [];
  const [chosen, setChosen] = useState<string | null>(null);
  const leitbildId = chosen ?? (list.find((l) => l.status === 'ADOPTED') ?? list[0])?.id ?? null;

  return (
    <>
      <PageHeading title={t('report.changes.title')} />
      <ReportNav />
      <p>{t('report.changes.intro')}</p>
      {editions.loading && !editions.data && <Loading />}
      <ErrorMessage error={editions.error} />
      {leitbildId && (
        <Form
          className="report-form"
          aria-label={t('report.choose')}
          onSubmit={(e) => {
            e.preventDefault();
            const id = formText(new FormData(e.currentTarget), 'leitbild');
            if (id) setChosen(id);
          }}
        >
          <SelectField
            label={t('report.edition')}
            name="leitbild"
            defaultValue={leitbildId}
            options={list.map((l) => ({ id: l.id, label: `${l.title} (${l.year}, ${t(`report.editionStatus.${l.status}`)})` }))}
          />
          <Button type="submit" className="btn">
            {t('report.changes.show')}
          </Button>
        </Form>
      )}
      {leitbildId && <ChangesList leitbildId={leitbildId} />}
    </>
  );
}

function ChangesList({ leitbildId }: { leitbildId: string }) {
  const q = useQuery(ReportChangesQuery, { leitbildId });
  return (
    <QueryView query={q} select={(d) => d.reportChanges}>
      {(changes) => <Changes changes={changes} busy={q.loading} />}
    </QueryView>
  );
}

function Changes({ changes, busy }: { changes: ReportChangesData['reportChanges']; busy: boolean }) {
  const { t, i18n } = useTranslation();
  const lang = i18n.language;
  const groups = groupChanges(changes.items);
  return (
    <div aria-busy={busy}>
      <p className="report-baseline">
        {changes.since ? (
          <>
            {t('report.changes.since', {
              number: changes.since.number,
              title: changes.since.title,
              date: formatDateTime(changes.since.frozenAt, lang),
            })}{' '}
            <Link to={`/bericht/eingefroren/${changes.since.id}`}>
              {t('report.frozen.open', { number: changes.since.number })}
            </Link>
          </>
        ) : (
          t('report.changes.noBaseline')
        )}
      </p>
      {groups.length === 0 && <p>{t('report.changes.none')}</p>}
      {groups.map(([kind, items]) => (
        <section key={kind} className="report-changes-group" aria-labelledby={`changes-${kind}`}>
          <h2 id={`changes-${kind}`}>
            {t(`report.changes.kind.${kind}`)} ({items.length})
          </h2>
          <ul>
            {items.map((item, i) => (
              <li key={i} lang="de">
                {item.message}
                {item.previousStatus && item.status && (
                  <>
                    {' '}
                    {t('report.changes.statusChange', {
                      from: t(`report.status.${item.previousStatus}`),
                      to: t(`report.status.${item.status}`),
                    })}
                  </>
                )}
              </li>
            ))}
          </ul>
        </section>
      ))}
    </div>
  );
}
