import { fireEvent, render, screen } from '@testing-library/react';
import { useState } from 'react';
import { describe, expect, it, vi } from 'vitest';
import { Expander } from './Expander';

describe('Expander', () => {
  it('opens and closes by its heading button, at the given heading level', () => {
    render(
      <Expander title="Kommentieren" level={3}>
        <p>Formular</p>
      </Expander>,
    );
    const trigger = screen.getByRole('button', { name: 'Kommentieren' });
    expect(screen.getByRole('heading', { level: 3, name: 'Kommentieren' })).toBeTruthy();
    expect(trigger.getAttribute('aria-expanded')).toBe('false');
    // Not lazy: the content is there (hidden) while closed.
    expect(screen.getByText('Formular', { selector: 'p' })).toBeTruthy();
    fireEvent.click(trigger);
    expect(trigger.getAttribute('aria-expanded')).toBe('true');
    fireEvent.click(trigger);
    expect(trigger.getAttribute('aria-expanded')).toBe('false');
  });

  it('renders lazy content only while open', () => {
    render(
      <Expander title="Verlauf" lazy>
        <p>Fassung 1</p>
      </Expander>,
    );
    expect(screen.queryByText('Fassung 1')).toBeNull();
    fireEvent.click(screen.getByRole('button', { name: 'Verlauf' }));
    expect(screen.getByText('Fassung 1')).toBeTruthy();
    fireEvent.click(screen.getByRole('button', { name: 'Verlauf' }));
    expect(screen.queryByText('Fassung 1')).toBeNull();
  });

  it('follows a controlled open state and reports the user’s toggles', () => {
    const changes = vi.fn();
    function Form() {
      const [open, setOpen] = useState(true);
      return (
        <>
          <Expander
            title="Bearbeiten"
            lazy
            isExpanded={open}
            onExpandedChange={(v) => {
              changes(v);
              setOpen(v);
            }}
          >
            <button type="button" onClick={() => setOpen(false)}>
              Speichern
            </button>
          </Expander>
        </>
      );
    }
    render(<Form />);
    expect(screen.getByRole('button', { name: 'Bearbeiten' }).getAttribute('aria-expanded')).toBe('true');
    // The form closes itself after saving.
    fireEvent.click(screen.getByRole('button', { name: 'Speichern' }));
    expect(screen.queryByRole('button', { name: 'Speichern' })).toBeNull();
    expect(changes).not.toHaveBeenCalled();
    fireEvent.click(screen.getByRole('button', { name: 'Bearbeiten' }));
    expect(changes).toHaveBeenCalledWith(true);
    expect(screen.getByRole('button', { name: 'Speichern' })).toBeTruthy();
  });
});
