import { useTranslation } from 'react-i18next';
import type { Segment } from './diff';
import './leitbild.css';

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
              <span className="visually-hidden">{t('leitbildView.diffInsStart')}</span>
              {s.text}
              <span className="visually-hidden">{t('leitbildView.diffEnd')}</span>
            </ins>
          );
        if (s.kind === 'DELETE')
          return (
            <del key={i}>
              <span className="visually-hidden">{t('leitbildView.diffDelStart')}</span>
              {s.text}
              <span className="visually-hidden">{t('leitbildView.diffEnd')}</span>
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
      {t('leitbildView.legend')} <ins>{t('leitbildView.legendIns')}</ins> · <del>{t('leitbildView.legendDel')}</del>
    </p>
  );
}
