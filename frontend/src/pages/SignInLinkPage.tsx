// The page a mailed sign-in link opens: the token waits in the fragment until the person confirms.
import { useState } from 'react';
import { Button, Form } from 'react-aria-components';
import { useTranslation } from 'react-i18next';
import { Link, Navigate } from 'react-router';
import { ErrorMessage } from '../components/ErrorMessage';
import { PublicLayout } from '../components/Layout';
import { TextInput } from '../components/fields';
import { PageHeading } from '../components/PageHeading';
import { RequestError, request } from '../lib/client';
import { useSession } from '../session/context';
import { SignInWithLinkMutation } from '../session/operations';

/** Reads the token once and takes it out of the address bar, so it is not bookmarked or shared. */
function takeToken(): string {
  const token = window.location.hash.replace(/^#/, '').trim();
  if (token) window.history.replaceState(null, '', window.location.pathname);
  return token;
}

export function SignInLinkPage() {
  const { t } = useTranslation();
  const { state, reload } = useSession();
  // A click signs in, not the page load: a mail scanner that opens the link spends nothing.
  const [token] = useState(takeToken);
  const [error, setError] = useState<unknown>(undefined);
  const [pending, setPending] = useState(false);
  const [code, setCode] = useState<string | null>(null);

  if (state.status === 'authenticated' && !pending) return <Navigate to="/" replace />;

  async function signIn() {
    setPending(true);
    setError(undefined);
    try {
      await request(SignInWithLinkMutation, { token, code });
      await reload();
    } catch (err) {
      // With a second factor set up, the link waits for its code; it is not spent yet.
      if (err instanceof RequestError && err.errors.some((e) => e.field === 'code')) setCode((c) => c ?? '');
      setError(err);
      setPending(false);
    }
  }

  const spent = error instanceof RequestError && error.hasCode('UNAUTHENTICATED');
  return (
    <PublicLayout>
      <div className="login">
        <PageHeading title={t('login.link.pageTitle')} />
        {!token ? (
          <p role="alert" className="alert alert-error">
            {t('login.link.missing')}
          </p>
        ) : spent ? (
          <div role="alert" className="alert alert-error">
            <p>{t('login.link.invalid')}</p>
          </div>
        ) : (
          <>
            <p>{t('login.link.pageIntro')}</p>
            <ErrorMessage error={error} mapping={{ fields: ['code'] }} />
            <Form
              className="form"
              onSubmit={(e) => {
                e.preventDefault();
                void signIn();
              }}
            >
              {code !== null && (
                <TextInput
                  name="code"
                  label={t('login.code')}
                  description={t('login.codeHelp')}
                  autoComplete="one-time-code"
                  value={code}
                  onChange={setCode}
                  isRequired
                  autoFocus
                />
              )}
              <Button type="submit" className="btn" isPending={pending}>
                {t('login.link.confirm')}
              </Button>
            </Form>
          </>
        )}
        {(!token || spent) && (
          <p>
            <Link to="/login">{t('login.link.newLink')}</Link>
          </p>
        )}
      </div>
    </PublicLayout>
  );
}
