import { render, screen } from '@testing-library/react';
import { describe, expect, it, vi } from 'vitest';
import { RequestError } from '../lib/client';
import { QueryView } from './QueryView';

interface Data {
  term: { label: string } | null;
}
const failed = new RequestError([{ code: 'NETWORK', message: 'down' }]);
const heading = (term: { label: string } | undefined) => <h1>{term ? term.label : 'Glossar'}</h1>;

function view(query: { data: Data | undefined; error: unknown; loading: boolean }) {
  const children = vi.fn((term: { label: string }) => <p>Definition von {term.label}</p>);
  render(
    <QueryView query={query} select={(d) => d.term} heading={heading} notFound={<h1>Nicht gefunden</h1>}>
      {children}
    </QueryView>,
  );
  return children;
}

describe('QueryView', () => {
  it('shows the generic heading and a loading status until the first answer', () => {
    const children = view({ data: undefined, error: undefined, loading: true });
    expect(screen.getByRole('heading', { level: 1 }).textContent).toBe('Glossar');
    expect(screen.getByRole('status').textContent).toBe('Wird geladen …');
    expect(screen.queryByRole('alert')).toBeNull();
    expect(children).not.toHaveBeenCalled();
  });

  it('shows the error of a first load that failed, and no loading status', () => {
    view({ data: undefined, error: failed, loading: false });
    expect(screen.getByRole('heading', { level: 1 }).textContent).toBe('Glossar');
    expect(screen.getByRole('alert').textContent).toContain('Server');
    expect(screen.queryByRole('status')).toBeNull();
  });

  it('shows only "not found" when the answer has no item', () => {
    const children = view({ data: { term: null }, error: undefined, loading: false });
    expect(screen.getAllByRole('heading').map((h) => h.textContent)).toEqual(['Nicht gefunden']);
    expect(screen.queryByRole('status')).toBeNull();
    expect(children).not.toHaveBeenCalled();
  });

  it('shows the item with its heading', () => {
    const children = view({ data: { term: { label: 'Zuwanderung' } }, error: undefined, loading: false });
    expect(screen.getByRole('heading', { level: 1 }).textContent).toBe('Zuwanderung');
    expect(screen.getByText('Definition von Zuwanderung')).toBeTruthy();
    expect(children).toHaveBeenCalledWith({ label: 'Zuwanderung' }, { term: { label: 'Zuwanderung' } });
  });

  it('keeps the data in view while reloading, and shows a failed reload above it', () => {
    view({ data: { term: { label: 'Zuwanderung' } }, error: failed, loading: true });
    expect(screen.getByRole('alert')).toBeTruthy();
    expect(screen.getByText('Definition von Zuwanderung')).toBeTruthy();
    expect(screen.queryByRole('status')).toBeNull();
  });

  it('passes the whole answer on when nothing is selected', () => {
    render(
      <QueryView query={{ data: ['a', 'b'], error: undefined, loading: false }} heading={<h1>Liste</h1>}>
        {(list) => <p>{list.join(', ')}</p>}
      </QueryView>,
    );
    expect(screen.getByText('a, b')).toBeTruthy();
    expect(screen.getByRole('heading', { level: 1 }).textContent).toBe('Liste');
  });
});
