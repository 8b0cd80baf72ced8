// Setting up, confirming and turning off the second factor (an authenticator app, RFC 6238).
import { useState, type FormEvent } from 'react';
import { Button, Form } from 'react-aria-components';
import { useTranslation } from 'react-i18next';
import { ErrorMessage } from '../../components/ErrorMessage';
import { TextInput } from '../../components/fields';
import { graphql } from '../../gql';
import { formText } from '../../lib/form';
import { useMutation } from '../../lib/hooks';
import { useErrorText } from '../../lib/errors';

const BeginTotpMutation = graphql(`
  mutation BeginTotpSetup {
    beginTotpSetup {
      secret
      otpauthUri
      qrSvg
    }
  }
`);

const ConfirmTotpMutation = graphql(`
  mutation ConfirmTotp($code: String!) {
    confirmTotp(code: $code)
  }
`);

const DisableTotpMutation = graphql(`
  mutation DisableTotp($code: String!) {
    disableTotp(code: $code)
  }
`);

const CODE_FIELDS = { fields: ['code'] };

/** Groups the key in fours, as people read it off a screen. */
function grouped(secret: string): string {
  return secret.replace(/(.{4})/g, '$1 ').trim();
}

export function SecondFactorSection({
  active,
  required,
  onDone,
}: {
  active: boolean;
  required: boolean;
  onDone: () => void;
}) {
  const { t } = useTranslation();
  const { fieldErrors } = useErrorText();
  const begin = useMutation(BeginTotpMutation);
  const confirm = useMutation(ConfirmTotpMutation);
  const disable = useMutation(DisableTotpMutation);
  const [setup, setSetup] = useState<{ secret: string; otpauthUri: string; qrSvg: string } | null>(null);
  const [recovery, setRecovery] = useState<string[] | null>(null);

  async function onConfirm(e: FormEvent<HTMLFormElement>) {
    e.preventDefault();
    const r = await confirm.run({ code: formText(new FormData(e.currentTarget), 'code') });
    if (r) {
      setSetup(null);
      setRecovery(r.confirmTotp);
      onDone();
    }
  }

  async function onDisable(e: FormEvent<HTMLFormElement>) {
    e.preventDefault();
    const r = await disable.run({ code: formText(new FormData(e.currentTarget), 'code') });
    if (r) onDone();
  }

  return (
    <section aria-labelledby="settings-2fa">
      <h2 id="settings-2fa">{t('settings.twoFactor.title')}</h2>
      {required && !active && (
        <p role="alert" className="alert alert-error">
          {t('settings.twoFactor.required')}
        </p>
      )}
      <p>{active ? t('settings.twoFactor.on') : t('settings.twoFactor.off')}</p>
      {recovery && (
        <div role="status" className="notice">
          <p>{t('settings.twoFactor.recoveryIntro')}</p>
          <ul className="recovery-codes">
            {recovery.map((c) => (
              <li key={c}>
                <code>{c}</code>
              </li>
            ))}
          </ul>
        </div>
      )}
      {!active && !setup && (
        <>
          <ErrorMessage error={begin.error} />
          <Button
            className="btn"
            isPending={begin.pending}
            onPress={() => void begin.run({}).then((r) => r && setSetup(r.beginTotpSetup))}
          >
            {t('settings.twoFactor.begin')}
          </Button>
        </>
      )}
      {!active && setup && (
        <>
          <ol>
            <li>
              {t('settings.twoFactor.step1')} <a href={setup.otpauthUri}>{t('settings.twoFactor.openApp')}</a>
              {/* Drawn by the server; as an image it cannot run anything. */}
              <img
                className="totp-qr"
                src={`data:image/svg+xml;charset=utf-8,${encodeURIComponent(setup.qrSvg)}`}
                alt={t('settings.twoFactor.qrAlt')}
                width={200}
                height={200}
              />
            </li>
            <li>
              {t('settings.twoFactor.step2')} <code aria-label={t('settings.twoFactor.key')}>{grouped(setup.secret)}</code>
            </li>
            <li>{t('settings.twoFactor.step3')}</li>
          </ol>
          <ErrorMessage error={confirm.error} mapping={CODE_FIELDS} />
          <Form className="form" onSubmit={(e) => void onConfirm(e)} validationErrors={fieldErrors(confirm.error, CODE_FIELDS)}>
            <TextInput name="code" label={t('settings.twoFactor.code')} autoComplete="one-time-code" inputMode="numeric" isRequired />
            <Button type="submit" className="btn" isPending={confirm.pending}>
              {t('settings.twoFactor.confirm')}
            </Button>
          </Form>
        </>
      )}
      {active && (
        <>
          <ErrorMessage error={disable.error} mapping={CODE_FIELDS} />
          <Form className="form" onSubmit={(e) => void onDisable(e)} validationErrors={fieldErrors(disable.error, CODE_FIELDS)}>
            <TextInput
              name="code"
              label={t('settings.twoFactor.codeOrRecovery')}
              autoComplete="one-time-code"
              isRequired
            />
            <Button type="submit" className="btn btn-danger" isPending={disable.pending}>
              {t('settings.twoFactor.disable')}
            </Button>
          </Form>
        </>
      )}
    </section>
  );
}
