import { fireEvent, render, screen } from '@testing-library/react';
import { BrowserRouter, useSearchParams } from 'react-router';
import { describe, expect, it } from 'vitest';
import { paramsWith } from './searchParams';

const ANY = '__any__';

/** Two filters changed before the router has rendered the first change. */
function Filters() {
  const [params, setParams] = useSearchParams();
  return (
    <button
      type="button"
      onClick={() => {
        setParams(paramsWith('status', 'REQUESTED', ANY), { replace: true });
        setParams(paramsWith('abteilung', 'jobcenter', ANY), { replace: true });
      }}
    >
      {params.toString() || 'none'}
    </button>
  );
}

describe('paramsWith', () => {
  it('keeps a filter changed just before, which the last render does not know yet', async () => {
    window.history.replaceState(null, '', '/lieferungen?feld=1');
    render(
      <BrowserRouter>
        <Filters />
      </BrowserRouter>,
    );
    fireEvent.click(screen.getByRole('button'));
    expect(await screen.findByText('feld=1&status=REQUESTED&abteilung=jobcenter')).toBeTruthy();
    expect(window.location.search).toBe('?feld=1&status=REQUESTED&abteilung=jobcenter');
  });

  it('leaves the filter out for "any"', () => {
    window.history.replaceState(null, '', '/lieferungen?status=REQUESTED&abteilung=x');
    expect(paramsWith('status', ANY, ANY).toString()).toBe('abteilung=x');
  });
});
