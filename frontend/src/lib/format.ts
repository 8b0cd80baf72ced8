/** Locale-aware formatting; `lang` is the i18next language (`de` or `en`). */
export function intlLocale(lang: string): string {
  return lang.startsWith('en') ? 'en-GB' : 'de-DE';
}

function toDate(value: string | Date): Date {
  return typeof value === 'string' ? new Date(value) : value;
}

/** `24.11.2026` in German. */
export function formatDate(value: string | Date, lang: string): string {
  return new Intl.DateTimeFormat(intlLocale(lang), {
    day: '2-digit',
    month: '2-digit',
    year: 'numeric',
  }).format(toDate(value));
}

/** `24.11.2026, 14:05` in German. */
export function formatDateTime(value: string | Date, lang: string): string {
  return new Intl.DateTimeFormat(intlLocale(lang), {
    day: '2-digit',
    month: '2-digit',
    year: 'numeric',
    hour: '2-digit',
    minute: '2-digit',
  }).format(toDate(value));
}

/** A share (0.415) as `41,5 %` in German. */
export function formatPercent(share: number, lang: string, maxFractionDigits = 1): string {
  return new Intl.NumberFormat(intlLocale(lang), {
    style: 'percent',
    maximumFractionDigits: maxFractionDigits,
  }).format(share);
}

export function formatNumber(value: number, lang: string, maxFractionDigits = 2): string {
  return new Intl.NumberFormat(intlLocale(lang), {
    maximumFractionDigits: maxFractionDigits,
  }).format(value);
}
