import { useEffect, useRef, type ReactNode } from 'react';

/**
 * Set by a client-side navigation whose page had no heading yet (a lazily loaded page still
 * loading): the next heading to appear takes the focus.
 */
let focusPending = false;

/** Moves focus to the page's heading, now or as soon as it is rendered. */
export function focusPageHeading() {
  const heading = document.getElementById('page-title');
  if (heading) {
    heading.focus();
    focusPending = false;
  } else {
    focusPending = true;
  }
}

/** The page's single h1; also sets the document title. Focus lands here after navigation. */
export function PageHeading({ title, children }: { title: string; children?: ReactNode }) {
  const ref = useRef<HTMLHeadingElement>(null);
  useEffect(() => {
    document.title = `${title} – teilhabe`;
  }, [title]);
  useEffect(() => {
    if (focusPending) {
      focusPending = false;
      ref.current?.focus();
    }
  }, []);
  return (
    <h1 id="page-title" tabIndex={-1} ref={ref}>
      {children ?? title}
    </h1>
  );
}
