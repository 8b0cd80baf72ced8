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

  it('offers a sign-in link by email and answers the same for every address', async () => {
    const bodies: unknown[] = [];
    const replies = [{ data: { me: null } }, { data: { requestSignInLink: true } }];
    vi.stubGlobal(
      'fetch',
      vi.fn((_url: string, init: RequestInit) => {
        bodies.push(JSON.parse(init.body as string));
        return respond(replies.shift());
      }),
    );
    render(
      <MemoryRouter initialEntries={['/login']}>
        <SessionProvider>
          <LoginPage />
        </SessionProvider>
      </MemoryRouter>,
    );
    fireEvent.click(await screen.findByRole('button', { name: 'Ohne Passwort anmelden: Link per E-Mail erhalten' }));
    expect(screen.getByRole('heading', { level: 2, name: 'Anmeldelink per E-Mail' })).toBeTruthy();
    expect(screen.queryByLabelText(/Passwort/)).toBeNull();
    fireEvent.change(screen.getByLabelText(/E-Mail-Adresse/), { target: { value: 'partner@example.org' } });
    await act(async () => {
      fireEvent.click(screen.getByRole('button', { name: 'Link senden' }));
      await Promise.resolve();
    });
    expect((await screen.findByRole('status')).textContent).toBe(
      'Wenn zu partner@example.org ein Konto gehört, ist ein Anmeldelink unterwegs. Er gilt 15 Minuten.',
    );
    expect(bodies[1]).toMatchObject({ variables: { email: 'partner@example.org' } });
    fireEvent.click(screen.getByRole('button', { name: 'Mit Passwort anmelden' }));
    expect(screen.getByLabelText(/Passwort/)).toBeTruthy();
  });

  it('asks for the second factor when the server wants it', async () => {
    const bodies: { variables?: Record<string, unknown> }[] = [];
    const replies = [
      { data: { me: null } },
      {
        data: null,
        errors: [
          {
            message: 'code: enter the code of your authenticator app',
            extensions: { code: 'VALIDATION', field: 'code' },
          },
        ],
      },
      { data: { login: { expiresAt: '2026-12-05T00:00:00Z', user: { id: '1', email: 'a@example.org', name: 'A', role: 'ADMIN' } } } },
    ];
    vi.stubGlobal(
      'fetch',
      vi.fn((_url: string, init: RequestInit) => {
        bodies.push(JSON.parse(init.body as string) as { variables?: Record<string, unknown> });
        return respond(replies.shift());
      }),
    );
    render(
      <MemoryRouter initialEntries={['/login']}>
        <SessionProvider>
          <LoginPage />
        </SessionProvider>
      </MemoryRouter>,
    );
    await screen.findByRole('heading', { level: 1, name: 'Anmelden' });
    expect(screen.queryByLabelText(/Bestätigungscode/)).toBeNull();
    fireEvent.change(screen.getByLabelText(/E-Mail-Adresse/), { target: { value: 'a@example.org' } });
    fireEvent.change(screen.getByLabelText(/Passwort/), { target: { value: 'richtig-richtig' } });
    await act(async () => {
      fireEvent.click(screen.getByRole('button', { name: 'Anmelden' }));
      await Promise.resolve();
    });
    const field = await screen.findByLabelText(/Bestätigungscode/);
    fireEvent.change(field, { target: { value: '123456' } });
    await act(async () => {
      fireEvent.click(screen.getByRole('button', { name: 'Anmelden' }));
      await Promise.resolve();
    });
    expect(bodies[2]?.variables).toMatchObject({ email: 'a@example.org', code: '123456' });
  });
});
