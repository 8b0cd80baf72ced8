import { useEffect, type ReactNode } from 'react';

/** The page's single h1; also sets the document title. Focus lands here after navigation. */
export function PageHeading({ title, children }: { title: string; children?: ReactNode }) {
  useEffect(() => {
    document.title = `${title} – teilhabe`;
  }, [title]);
  return (
    <h1 id="page-title" tabIndex={-1}>
      {children ?? title}
    </h1>
  );
}
