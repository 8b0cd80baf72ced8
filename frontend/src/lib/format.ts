/** Locale-aware formatting; `lang` is the i18next language (`de` or `en`). */
export function intlLocale(lang: string): string {
  return lang.startsWith('en') ? 'en-GB' : 'de-DE';
}

// Building an Intl formatter costs far more than using one, and a report formats thousands of
// values: keep one per locale and options.
const formatters = new Map<string, Intl.NumberFormat | Intl.DateTimeFormat>();

function numberFormat(locale: string, options: Intl.NumberFormatOptions): Intl.NumberFormat {
  const key = `n|${locale}|${JSON.stringify(options)}`;
  let f = formatters.get(key);
  if (!f) {
    f = new Intl.NumberFormat(locale, options);
    formatters.set(key, f);
  }
  return f as Intl.NumberFormat;
}

function dateFormat(locale: string, options: Intl.DateTimeFormatOptions): Intl.DateTimeFormat {
  const key = `d|${locale}|${JSON.stringify(options)}`;
  let f = formatters.get(key);
  if (!f) {
    f = new Intl.DateTimeFormat(locale, options);
    formatters.set(key, f);
  }
  return f as Intl.DateTimeFormat;
}

function toDate(value: string | Date): Date {
  return typeof value === 'string' ? new Date(value) : value;
}

/** `24.11.2026` in German. */
export function formatDate(value: string | Date, lang: string): string {
  return dateFormat(intlLocale(lang), {
    day: '2-digit',
    month: '2-digit',
    year: 'numeric',
  }).format(toDate(value));
}

/** `24.11.2026, 14:05` in German. */
export function formatDateTime(value: string | Date, lang: string): string {
  return dateFormat(intlLocale(lang), {
    day: '2-digit',
    month: '2-digit',
    year: 'numeric',
    hour: '2-digit',
    minute: '2-digit',
  }).format(toDate(value));
}

/** A share (0.415) as `41,5 %` in German. */
export function formatPercent(share: number, lang: string, maxFractionDigits = 1): string {
  return numberFormat(intlLocale(lang), {
    style: 'percent',
    maximumFractionDigits: maxFractionDigits,
  }).format(share);
}

export function formatNumber(value: number, lang: string, maxFractionDigits = 2): string {
  return numberFormat(intlLocale(lang), {
    maximumFractionDigits: maxFractionDigits,
  }).format(value);
}
