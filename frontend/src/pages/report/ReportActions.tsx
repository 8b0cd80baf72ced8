/** The actions every report view offers: its data as CSV and XLSX, and printing to paper or PDF. */
import type { ReactNode } from 'react';
import { Button } from 'react-aria-components';
import { useTranslation } from 'react-i18next';

/** `base` is the download URL without extension, `query` an optional `?from=…&to=…`. */
export function ReportActions({ base, query = '', children }: { base: string; query?: string; children?: ReactNode }) {
  const { t } = useTranslation();
  return (
    <>
      <a className="btn btn-quiet" href={`${base}.csv${query}`} download>
        {t('report.downloadCsv')}
      </a>
      <a className="btn btn-quiet" href={`${base}.xlsx${query}`} download>
        {t('report.downloadXlsx')}
      </a>
      <Button className="btn" onPress={() => window.print()}>
        {t('report.print')}
      </Button>
      {children}
    </>
  );
}
