import { act, fireEvent, render, screen } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { MemoryRouter } from 'react-router';
import { SessionProvider } from '../session/SessionProvider';
import { LoginPage } from './LoginPage';

function respond(body: unknown) {
  return Promise.resolve(new Response(JSON.stringify(body), { status: 200 }));
}

describe('LoginPage', () => {
  afterEach(() => vi.unstubAllGlobals());

  it('says in German when email or password is wrong, and shows field messages at the field', async () => {
    const replies = [
      { data: { me: null } },
      { data: null, errors: [{ message: 'authentication required', extensions: { code: 'UNAUTHENTICATED' } }] },
      {
        data: null,
        errors: [
          { message: 'email: not a valid email address', extensions: { code: 'VALIDATION', field: 'email' } },
        ],
      },
    ];
    vi.stubGlobal(
      'fetch',
      vi.fn(() => respond(replies.shift())),
    );
    render(
      <MemoryRouter initialEntries={['/login']}>
        <SessionProvider>
          <LoginPage />
        </SessionProvider>
      </MemoryRouter>,
    );
    await screen.findByRole('heading', { level: 1, name: 'Anmelden' });
    fireEvent.change(screen.getByLabelText(/E-Mail-Adresse/), { target: { value: 'a@example.org' } });
    fireEvent.change(screen.getByLabelText(/Passwort/), { target: { value: 'falsch-falsch-falsch' } });
    await act(async () => {
      fireEvent.click(screen.getByRole('button', { name: 'Anmelden' }));
      await Promise.resolve();
    });
    expect((await screen.findByRole('alert')).textContent).toBe('E-Mail-Adresse oder Passwort ist falsch.');

    await act(async () => {
      fireEvent.click(screen.getByRole('button', { name: 'Anmelden' }));
      await Promise.resolve();
    });
    await screen.findByText('Das ist keine gültige E-Mail-Adresse.');
    expect(screen.getByLabelText(/E-Mail-Adresse/).getAttribute('aria-invalid')).toBe('true');
    expect(screen.getByRole('alert').textContent).toBe('Bitte prüfen Sie die markierten Felder.');
  });
});
