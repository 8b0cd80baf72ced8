import { render, screen } from '@testing-library/react';
import { useState } from 'react';
import { describe, expect, it, vi } from 'vitest';
import '../i18n';
import { lazyView } from './lazyView';

function Counter({ label }: { label: string }) {
  const [n] = useState(1);
  return (
    <p>
      {label} {n}
    </p>
  );
}

describe('lazyView', () => {
  it('shows the loading notice, then the view, and loads the code once for every later mount', async () => {
    const load = vi.fn(() => Promise.resolve(Counter));
    const View = lazyView(load);
    const first = render(<View label="Bericht" />);
    expect(screen.getByRole('status').textContent).toBe('Wird geladen …');
    expect(await screen.findByText('Bericht 1')).toBeTruthy();
    first.unmount();
    // Mounted again (e.g. navigating back): the view at once, with its own hooks, no second load.
    render(<View label="Wieder" />);
    expect(screen.getByText('Wieder 1')).toBeTruthy();
    expect(load).toHaveBeenCalledTimes(1);
  });
});
