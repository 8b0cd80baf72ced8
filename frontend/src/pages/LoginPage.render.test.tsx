import { act, fireEvent, render, screen } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { MemoryRouter } from 'react-router';
import { SessionProvider } from '../session/SessionProvider';
import { LoginPage } from './LoginPage';

function respond(body: unknown) {
  return Promise.resolve(new Response(JSON.stringify(body), { status: 200 }));
}

const NO_SSO = { signInOptions: { oidc: null } };

/** A fake server: the login page's question for the sign-in options gets `options`; every
 * other request is recorded in `bodies` and answered by the next of `replies`. */
function fakeServer(replies: unknown[], bodies: unknown[] = [], options: unknown = NO_SSO) {
  return vi.fn((_url: string, init: RequestInit) => {
    const body = JSON.parse(init.body as string) as { query: string };
    if (body.query.includes('signInOptions')) return respond({ data: options });
    bodies.push(body);
    return respond(replies.shift());
  });
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
    vi.stubGlobal('fetch', fakeServer(replies));
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
    vi.stubGlobal('fetch', fakeServer(replies, bodies));
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
    vi.stubGlobal('fetch', fakeServer(replies, bodies));
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

  it('offers the configured single sign-on and explains its failures in German', async () => {
    const oidc = { label: 'Mit dem Stadtkonto anmelden', loginPath: '/auth/oidc/login', endSessionUrl: 'https://login.example/logout?client_id=t' };
    vi.stubGlobal('fetch', fakeServer([{ data: { me: null } }], [], { signInOptions: { oidc } }));
    render(
      <MemoryRouter initialEntries={['/login?next=%2Feinstellungen&error=sso_email']}>
        <SessionProvider>
          <LoginPage />
        </SessionProvider>
      </MemoryRouter>,
    );
    const button = await screen.findByRole('link', { name: 'Mit dem Stadtkonto anmelden' });
    expect(button.getAttribute('href')).toBe('/auth/oidc/login?next=%2Feinstellungen');
    expect(screen.getByRole('alert').textContent).toBe(
      'Ihr Stadtkonto hat keine bestätigte E-Mail-Adresse. Bitte wenden Sie sich an die IT.',
    );
    expect(screen.getByRole('link', { name: /Auch beim Stadtkonto abmelden/ }).getAttribute('href')).toBe(oidc.endSessionUrl);
    expect(screen.getByLabelText(/Passwort/)).toBeTruthy();
  });

  it('shows no single sign-on where none is configured', async () => {
    vi.stubGlobal('fetch', fakeServer([{ data: { me: null } }]));
    render(
      <MemoryRouter initialEntries={['/login?error=etwas']}>
        <SessionProvider>
          <LoginPage />
        </SessionProvider>
      </MemoryRouter>,
    );
    await screen.findByRole('heading', { level: 1, name: 'Anmelden' });
    expect(screen.queryByRole('link', { name: /Stadtkonto/ })).toBeNull();
    expect(screen.getByRole('alert').textContent).toBe('Die Anmeldung über das Stadtkonto ist fehlgeschlagen.');
  });
});
