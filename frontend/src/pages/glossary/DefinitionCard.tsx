import { Link } from 'react-router';
import { useTranslation } from 'react-i18next';
import type { Sector } from '../../gql/graphql';
import { formatDate, formatDateTime } from '../../lib/format';
import { SECTORS } from '../../lib/labels';
import { EditDefinition, ReviewActions } from './DefinitionActions';
import { DefinitionHistory } from './DefinitionHistory';
import { AddMapping } from './DefinitionMappings';
import type { Def } from './termTypes';

export function approvedSectors(def: Def): Sector[] {
  const out = new Set<Sector>();
  for (const r of def.reviews) {
    if (r.decision === 'APPROVE' && r.current) for (const o of r.reviewer?.organizations ?? []) out.add(o.sector);
  }
  return SECTORS.filter((s) => out.has(s));
}

export function DefinitionCard({ def, index, onChanged }: { def: Def; index: number; onChanged: () => void }) {
  const { t, i18n } = useTranslation();
  const lang = i18n.language;
  const headingId = `def-${def.id}`;
  const approved = approvedSectors(def);
  return (
    <article className="definition-card" aria-labelledby={headingId}>
      <h3 id={headingId}>
        {t('glossary.definitionN', { n: index })}{' '}
        <span className={`badge badge-${def.status.toLowerCase()}`}>{t(`glossary.defStatus.${def.status}`)}</span>
      </h3>
      <blockquote className="definition-text">{def.text}</blockquote>
      <dl className="facts">
        <dt>{t('glossary.source')}</dt>
        <dd>
          {[def.source.publisher, def.source.statistic, def.source.date && formatDate(def.source.date, lang)]
            .filter(Boolean)
            .join(', ') || '–'}
          {def.source.link && (
            <>
              {' '}
              <a href={def.source.link} rel="noreferrer noopener">
                {t('glossary.sourceLinkShort')}
              </a>
            </>
          )}
        </dd>
        <dt>{t('glossary.validity')}</dt>
        <dd>
          {def.validFrom || def.validTo
            ? t('glossary.validRange', {
                from: def.validFrom ? formatDate(def.validFrom, lang) : '…',
                to: def.validTo ? formatDate(def.validTo, lang) : '…',
              })
            : t('glossary.validOpen')}
        </dd>
        <dt>{t('glossary.scopeNote')}</dt>
        <dd>{def.scopeNote ?? '–'}</dd>
        <dt>{t('glossary.author')}</dt>
        <dd>
          {def.author?.name ?? t('glossary.formerParticipant')} ({t('glossary.versionN', { n: def.version })},{' '}
          {formatDateTime(def.updatedAt, lang)})
        </dd>
      </dl>
      <section className="agreement" aria-label={t('glossary.agreement')}>
        <h4>{t('glossary.agreement')}</h4>
        <p>
          <strong>{def.agreement.agreed ? t('glossary.agreedYes') : t('glossary.agreedNo')}</strong>
        </p>
        <ul>
          <li>
            {t('glossary.approvedBy')}: {approved.map((s) => t(`sector.${s}`)).join(', ') || t('glossary.none')}
          </li>
          <li>
            {t('glossary.missingSectors')}:{' '}
            {def.agreement.missingSectors.map((s) => t(`sector.${s}`)).join(', ') || t('glossary.none')}
          </li>
          <li>{t('glossary.openObjections', { count: def.agreement.openObjections })}</li>
        </ul>
      </section>
      <Reviews def={def} />
      <ReviewActions def={def} onChanged={onChanged} />
      <EditDefinition def={def} onChanged={onChanged} />
      <DefinitionHistory def={def} />
      <AddMapping def={def} onChanged={onChanged} />
      {def.mappings.length > 0 && (
        <section aria-label={t('glossary.mappings')}>
          <h4>{t('glossary.mappings')}</h4>
          <ul>
            {def.mappings.map((m) => (
              <li key={m.id}>
                {t(`glossary.mappingKind.${m.kind}`)}:{' '}
                {m.target ? (
                  m.target.term ? (
                    <Link to={`/glossar/${m.target.term.id}`}>{m.target.term.label}</Link>
                  ) : (
                    m.target.text
                  )
                ) : m.targetUri ? (
                  <a href={m.targetUri} rel="noreferrer noopener">
                    {m.targetUri}
                  </a>
                ) : (
                  '–'
                )}
                {m.note && <> – {m.note}</>}
              </li>
            ))}
          </ul>
        </section>
      )}
    </article>
  );
}

function Reviews({ def }: { def: Def }) {
  const { t, i18n } = useTranslation();
  if (def.reviews.length === 0) return <p className="muted">{t('glossary.noReviews')}</p>;
  return (
    <section aria-label={t('glossary.reviews')}>
      <h4>{t('glossary.reviews')}</h4>
      <ul className="review-list">
        {def.reviews.map((r, i) => (
          <li key={`${r.reviewer?.id ?? 'x'}-${i}`}>
            <strong>{t(`glossary.decision.${r.decision}`)}</strong> –{' '}
            {r.reviewer?.name ?? t('glossary.formerParticipant')}
            {r.reviewer && r.reviewer.organizations.length > 0 && (
              <> ({r.reviewer.organizations.map((o) => t(`sector.${o.sector}`)).join(', ')})</>
            )}
            , {t('glossary.versionN', { n: r.version })}
            {!r.current && <> ({t('glossary.reviewOutdated')})</>}, {formatDateTime(r.updatedAt, i18n.language)}
            {r.reason && <p className="review-reason">{r.reason}</p>}
          </li>
        ))}
      </ul>
    </section>
  );
}
