import { useTranslation } from 'react-i18next';
import type { Segment } from '../lib/diff';
import './WordDiff.css';

/**
 * A word diff as running text: insertions in <ins> (underlined, bold), deletions in <del>
 * (struck through), each announced to screen readers, so colour is never the only signal.
 */
export function WordDiff({ segments, label }: { segments: readonly Segment[]; label?: string }) {
  const { t } = useTranslation();
  return (
    <p className="word-diff" aria-label={label}>
      {segments.map((s, i) => {
        if (s.kind === 'INSERT')
          return (
            <ins key={i}>
              <span className="visually-hidden">{t('diff.insStart')}</span>
              {s.text}
              <span className="visually-hidden">{t('diff.end')}</span>
            </ins>
          );
        if (s.kind === 'DELETE')
          return (
            <del key={i}>
              <span className="visually-hidden">{t('diff.delStart')}</span>
              {s.text}
              <span className="visually-hidden">{t('diff.end')}</span>
            </del>
          );
        return <span key={i}>{s.text}</span>;
      })}
    </p>
  );
}

export function DiffLegend() {
  const { t } = useTranslation();
  return (
    <p className="diff-legend">
      {t('diff.legend')} <ins>{t('diff.legendIns')}</ins> · <del>{t('diff.legendDel')}</del>
    </p>
  );
}
