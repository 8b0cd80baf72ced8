// An edition's status in one phrase: "Beschlossen am 12.03.2026", not "Beschlossen beschlossen am …".
import type { TFunction } from 'i18next';
import { formatDate } from '../../lib/format';

export function editionStatus(t: TFunction, status: string, adoptedAt: string | null | undefined, lang: string): string {
  if (status === 'ADOPTED' && adoptedAt) return t('leitbildView.adoptedStatus', { date: formatDate(adoptedAt, lang) });
  const label = t(`leitbildView.status.${status}`);
  return adoptedAt ? `${label}, ${t('leitbildView.adoptedOn', { date: formatDate(adoptedAt, lang) })}` : label;
}
