import { useCallback, useEffect, useState } from 'react';
import { Button } from 'react-aria-components';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { ErrorMessage } from '../../components/ErrorMessage';
import { Loading } from '../../components/Notice';
import type { AuditLogQuery as AuditLogResult } from '../../gql/graphql';
import { request } from '../../lib/client';
import { formatDateTime } from '../../lib/format';
import { AuditLogQuery } from './operations';
import { actionKey, summaryParts } from './auditWords';

type Page = AuditLogResult['auditLog'];
type Edge = Page['edges'][number];
const PAGE = 25;

/** The audit log, newest first; with `entityId`, only the events of that organisation or person. */
export function AuditLogPanel({ entityId }: { entityId?: string }) {
  const { t, i18n } = useTranslation();
  const [edges, setEdges] = useState<Edge[]>([]);
  const [cursor, setCursor] = useState<string | null>(null);
  const [hasMore, setHasMore] = useState(false);
  const [loading, setLoading] = useState(true);
  const [error, setError] = useState<unknown>(undefined);

  const apply = useCallback((after: string | null, page: Page) => {
    setEdges((prev) => (after ? [...prev, ...page.edges] : page.edges));
    setCursor(page.pageInfo.endCursor ?? null);
    setHasMore(page.pageInfo.hasNextPage);
    setLoading(false);
  }, []);

  const fail = useCallback((e: unknown) => {
    setError(e);
    setLoading(false);
  }, []);

  useEffect(() => {
    let cancelled = false;
    request(AuditLogQuery, { entityId: entityId ?? null, first: PAGE, after: null }).then(
      ({ auditLog }) => {
        if (!cancelled) apply(null, auditLog);
      },
      (e: unknown) => {
        if (!cancelled) fail(e);
      },
    );
    return () => {
      cancelled = true;
    };
  }, [apply, fail, entityId]);

  function loadMore() {
    if (loading) return;
    setLoading(true);
    setError(undefined);
    request(AuditLogQuery, { entityId: entityId ?? null, first: PAGE, after: cursor }).then(({ auditLog }) => apply(cursor, auditLog), fail);
  }

  return (
    <section aria-labelledby="audit-list">
      <h2 id="audit-list">{t('audit.title')}</h2>
      <p>{t('audit.intro')}</p>
      {entityId && (
        <p className="notice" role="status">
          {t('audit.filtered')} <Link to="/koordination?tab=protokoll">{t('audit.showAll')}</Link>
        </p>
      )}
      <ErrorMessage error={error} />
      {!loading && !error && edges.length === 0 && <p>{t('audit.empty')}</p>}
      {edges.length > 0 && (
        <div className="table-wrap" tabIndex={0} role="region" aria-labelledby="audit-list">
          <table>
            <thead>
              <tr>
                <th scope="col">{t('audit.when')}</th>
                <th scope="col">{t('audit.actor')}</th>
                <th scope="col">{t('audit.action')}</th>
                <th scope="col">{t('audit.summary')}</th>
              </tr>
            </thead>
            <tbody>
              {edges.map(({ node }) => (
                <tr key={node.id}>
                  <td>
                    <time dateTime={node.createdAt}>{formatDateTime(node.createdAt, i18n.language)}</time>
                  </td>
                  <td>{node.actor?.name ?? t('audit.system')}</td>
                  <td>{t(`auditAction.${actionKey(node.action)}`, { defaultValue: node.action })}</td>
                  <td>
                    <AuditSummary summary={node.summary} />
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {loading && <Loading />}
      {hasMore && (
        <Button className="btn btn-secondary" onPress={loadMore}>
          {t('audit.more')}
        </Button>
      )}
    </section>
  );
}

function AuditSummary({ summary }: { summary: string }) {
  const { t } = useTranslation();
  const parts = summaryParts(summary);
  if ('commentOn' in parts) {
    return <>{t('auditCommentOn.sentence', { target: t(`auditCommentOn.${parts.commentOn}`) })}</>;
  }
  if ('word' in parts) {
    return <>{`${parts.before}${t(parts.word)}${parts.after}`}</>;
  }
  return <>{parts.text}</>;
}
