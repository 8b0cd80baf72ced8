import { useEffect, useState, type FormEvent } from 'react';
import { Button, Form } from 'react-aria-components';
import { useTranslation } from 'react-i18next';
import { Link, Navigate, useSearchParams } from 'react-router';
import { ErrorMessage } from '../components/ErrorMessage';
import { TextInput } from '../components/fields';
import { PublicLayout } from '../components/Layout';
import { Loading } from '../components/Notice';
import { PageHeading } from '../components/PageHeading';
import { graphql } from '../gql';
import { RequestError, request } from '../lib/client';
import { useErrorText } from '../lib/errors';
import { formText } from '../lib/form';
import { useSession } from '../session/context';
import { RequestSignInLinkMutation } from '../session/operations';

/** Only same-site paths are allowed as a target after login. */
export function safeNext(next: string | null): string {
  if (!next || !next.startsWith('/') || next.startsWith('//') || next.startsWith('/\\')) return '/';
  return next;
}

const LOGIN_FIELDS = { fields: ['email', 'password', 'code'] };

export const SignInOptionsQuery = graphql(`
  query SignInOptions {
    signInOptions {
      oidc {
        label
        loginPath
        endSessionUrl
      }
    }
  }
`);

type OidcOption = { label: string; loginPath: string; endSessionUrl?: string | null };

/** The codes `/auth/oidc/callback` sends back to this page; anything else reads as a general failure. */
const SSO_ERRORS = ['sso_unavailable', 'sso_expired', 'sso_denied', 'sso_invalid', 'sso_email', 'sso_account'];

/** What single sign-on the server offers; null until known or when there is none. */
function useOidcOption(): OidcOption | null {
  const [oidc, setOidc] = useState<OidcOption | null>(null);
  useEffect(() => {
    let live = true;
    request(SignInOptionsQuery)
      .then((d) => {
        if (live) setOidc(d.signInOptions.oidc ?? null);
      })
      // Without the answer the page still offers password and link login.
      .catch(() => undefined);
    return () => {
      live = false;
    };
  }, []);
  return oidc;
}

/** The city's login: a plain link, since the flow is a sequence of full-page redirects. */
function SingleSignOn({ oidc, next }: { oidc: OidcOption; next: string }) {
  const { t } = useTranslation();
  const href = `${oidc.loginPath}?next=${encodeURIComponent(next)}`;
  return (
    <section aria-label={oidc.label} className="login-sso">
      <p>
        <a className="btn" href={href}>
          {oidc.label}
        </a>
      </p>
      <p className="login-sso-or">{t('login.sso.or')}</p>
    </section>
  );
}

/** Whether the server asks for (or refused) the second factor's code. */
function asksForCode(error: unknown): boolean {
  return error instanceof RequestError && error.errors.some((e) => e.code === 'VALIDATION' && e.field === 'code');
}
const LINK_FIELDS = { fields: ['email'] };

/** Asks for a sign-in link by email. The answer never says whether the address has an account. */
function SignInLinkForm({ onBack }: { onBack: () => void }) {
  const { t } = useTranslation();
  const [error, setError] = useState<unknown>(undefined);
  const [pending, setPending] = useState(false);
  const [sentTo, setSentTo] = useState<string | null>(null);
  const { fieldErrors } = useErrorText();

  async function onSubmit(e: FormEvent<HTMLFormElement>) {
    e.preventDefault();
    const email = formText(new FormData(e.currentTarget), 'email');
    setPending(true);
    setError(undefined);
    try {
      await request(RequestSignInLinkMutation, { email });
      setSentTo(email);
    } catch (err) {
      setError(err);
    } finally {
      setPending(false);
    }
  }

  return (
    <section aria-labelledby="login-link-heading">
      <h2 id="login-link-heading">{t('login.link.title')}</h2>
      <p>{t('login.link.intro')}</p>
      {sentTo !== null && (
        <p className="notice" role="status">
          {t('login.link.sent', { email: sentTo })}
        </p>
      )}
      <ErrorMessage error={error} mapping={LINK_FIELDS} />
      <Form className="form" onSubmit={(e) => void onSubmit(e)} validationErrors={fieldErrors(error, LINK_FIELDS)}>
        <TextInput name="email" type="email" label={t('login.email')} autoComplete="username" isRequired autoFocus />
        <Button type="submit" className="btn" isPending={pending}>
          {t('login.link.submit')}
        </Button>
      </Form>
      <p>
        <Button className="btn btn-quiet-link" onPress={onBack}>
          {t('login.link.back')}
        </Button>
      </p>
    </section>
  );
}

export function LoginPage() {
  const { t } = useTranslation();
  const { state, login } = useSession();
  const [params] = useSearchParams();
  const [error, setError] = useState<unknown>(undefined);
  const [pending, setPending] = useState(false);
  const [withLink, setWithLink] = useState(false);
  const [needsCode, setNeedsCode] = useState(false);
  const { fieldErrors } = useErrorText();
  const oidc = useOidcOption();
  const ssoError = params.get('error');

  if (state.status === 'authenticated') {
    return <Navigate to={safeNext(params.get('next'))} replace />;
  }

  async function onSubmit(e: FormEvent<HTMLFormElement>) {
    e.preventDefault();
    const data = new FormData(e.currentTarget);
    setPending(true);
    setError(undefined);
    try {
      await login(formText(data, 'email'), formText(data, 'password'), needsCode ? formText(data, 'code') : undefined);
    } catch (err) {
      if (asksForCode(err)) setNeedsCode(true);
      setError(err);
    } finally {
      setPending(false);
    }
  }

  const wrongCredentials = error instanceof RequestError && error.hasCode('UNAUTHENTICATED');
  const passwordOff = error instanceof RequestError && error.hasCode('FORBIDDEN');

  return (
    <PublicLayout>
      <div className="login">
        <PageHeading title={t('login.title')} />
        <p>{t('login.intro')}</p>
        {state.status === 'loading' && <Loading />}
        {params.get('expired') === '1' && !error && (
          <p className="notice" role="status">
            {t('login.expired')}
          </p>
        )}
        {ssoError !== null && !error && (
          <div role="alert" className="alert alert-error">
            <p>{t(SSO_ERRORS.includes(ssoError) ? `login.sso.errors.${ssoError}` : 'login.sso.errors.other')}</p>
          </div>
        )}
        {oidc && !withLink && <SingleSignOn oidc={oidc} next={safeNext(params.get('next'))} />}
        {withLink ? (
          <SignInLinkForm onBack={() => setWithLink(false)} />
        ) : (
          <>
            {wrongCredentials || passwordOff ? (
              <div role="alert" className="alert alert-error">
                <p>{t(passwordOff ? 'login.sso.passwordOff' : 'login.wrongCredentials')}</p>
              </div>
            ) : (
              <ErrorMessage error={error} mapping={LOGIN_FIELDS} />
            )}
            <Form className="form" onSubmit={(e) => void onSubmit(e)} validationErrors={fieldErrors(error, LOGIN_FIELDS)}>
              <TextInput
                name="email"
                type="email"
                label={t('login.email')}
                autoComplete="username"
                isRequired
                autoFocus
              />
              <TextInput
                name="password"
                type="password"
                label={t('login.password')}
                autoComplete="current-password"
                isRequired
              />
              {needsCode && (
                <TextInput
                  name="code"
                  label={t('login.code')}
                  description={t('login.codeHelp')}
                  autoComplete="one-time-code"
                  inputMode="numeric"
                  isRequired
                  autoFocus
                />
              )}
              <Button type="submit" className="btn" isPending={pending}>
                {t('login.submit')}
              </Button>
            </Form>
            <p>
              <Button className="btn btn-quiet-link" onPress={() => setWithLink(true)}>
                {t('login.link.offer')}
              </Button>
            </p>
          </>
        )}
        {oidc?.endSessionUrl && (
          <p>
            <a href={oidc.endSessionUrl}>{t('login.sso.endSession')}</a>
          </p>
        )}
        <p className="login-public">
          <Link to="/oeffentlich">{t('public.loginLink')}</Link> – {t('public.loginLinkIntro')}
        </p>
      </div>
    </PublicLayout>
  );
}
