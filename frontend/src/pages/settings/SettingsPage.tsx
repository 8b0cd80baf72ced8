import { useState, type FormEvent } from 'react';
import { Button, Form } from 'react-aria-components';
import { useTranslation } from 'react-i18next';
import { ConfirmDialog } from '../../components/ConfirmDialog';
import { ErrorMessage } from '../../components/ErrorMessage';
import { RadioField } from '../../components/fields';
import { PageHeading } from '../../components/PageHeading';
import { QueryView } from '../../components/QueryView';
import { formText } from '../../lib/form';
import { useMutation, useQuery } from '../../lib/hooks';
import type { MailMode } from '../../gql/graphql';
import { RotateFeedMutation, SetMailModeMutation, SettingsQuery } from './operations';
import { SecondFactorSection } from './SecondFactorSection';
import './settings.css';

const MODES: MailMode[] = ['SINGLE', 'DIGEST', 'OFF'];
const SAVED: Record<MailMode, string> = { SINGLE: 'settings.savedSingle', DIGEST: 'settings.savedDigest', OFF: 'settings.savedOff' };
const LABEL: Record<MailMode, string> = { SINGLE: 'settings.single', DIGEST: 'settings.digest', OFF: 'settings.off' };

/** The person's own settings: how mails arrive, and the private calendar feed. */
export function SettingsPage() {
  const { t } = useTranslation();
  const q = useQuery(SettingsQuery);
  const me = q.data?.me;
  const settings = q.data?.myNotificationSettings;
  return (
    <>
      <PageHeading title={t('settings.title')} />
      <QueryView query={q}>
        {() => (
          <>
            {me && (
              <section aria-labelledby="settings-account">
                <h2 id="settings-account">{t('settings.account')}</h2>
                <dl className="facts">
                  <dt>{t('settings.name')}</dt>
                  <dd>{me.name}</dd>
                  <dt>{t('settings.email')}</dt>
                  <dd>{me.email ?? '–'}</dd>
                  <dt>{t('settings.role')}</dt>
                  <dd>{t(`role.${me.role}`)}</dd>
                  <dt>{t('settings.organizations')}</dt>
                  <dd>{me.organizations.map((o) => o.name).join(', ') || '–'}</dd>
                </dl>
              </section>
            )}
            {me && (
              <SecondFactorSection
                active={me.secondFactor === true}
                required={me.secondFactorRequired === true}
                onDone={q.refetch}
              />
            )}
            {settings && (
              <>
                <MailModeForm mode={settings.mailMode} onDone={q.refetch} />
                <CalendarFeed url={settings.calendarUrl} onDone={q.refetch} />
              </>
            )}
          </>
        )}
      </QueryView>
    </>
  );
}

function MailModeForm({ mode, onDone }: { mode: MailMode; onDone: () => void }) {
  const { t } = useTranslation();
  const set = useMutation(SetMailModeMutation);
  const [saved, setSaved] = useState<MailMode | null>(null);
  async function onSubmit(e: FormEvent<HTMLFormElement>) {
    e.preventDefault();
    setSaved(null);
    const chosen = formText(new FormData(e.currentTarget), 'mode');
    const want = MODES.find((m) => m === chosen) ?? 'SINGLE';
    const r = await set.run({ mode: want });
    if (r) {
      setSaved(r.setNotificationMailMode.mailMode);
      onDone();
    }
  }
  return (
    <section aria-labelledby="settings-mail">
      <h2 id="settings-mail">{t('settings.mail')}</h2>
      <p>{t('settings.mailHelp')}</p>
      <ErrorMessage error={set.error} />
      <Form className="form" onSubmit={(e) => void onSubmit(e)}>
        <RadioField
          name="mode"
          label={t('settings.mailMode')}
          description={t('settings.offHelp')}
          defaultValue={mode}
          options={MODES.map((m) => ({ id: m, label: t(LABEL[m]) }))}
        />
        <Button type="submit" className="btn" isPending={set.pending}>
          {t('settings.save')}
        </Button>
      </Form>
      <p role="status" className={saved === null ? undefined : 'alert alert-success'}>
        {saved === null ? '' : t(SAVED[saved])}
      </p>
    </section>
  );
}

function CalendarFeed({ url, onDone }: { url: string; onDone: () => void }) {
  const { t } = useTranslation();
  const rotate = useMutation(RotateFeedMutation);
  const [open, setOpen] = useState(false);
  // The new address from the mutation's answer, shown at once (the page reloads it too).
  const [rotated, setRotated] = useState<string | null>(null);
  const current = rotated ?? url;
  const absolute = new URL(current, window.location.origin).toString();
  return (
    <section aria-labelledby="settings-calendar">
      <h2 id="settings-calendar">{t('settings.calendar')}</h2>
      <p>{t('settings.calendarHelp')}</p>
      <p>
        <a href={current}>{t('settings.calendarLink')}</a>
      </p>
      <p>
        <code className="settings-url" data-testid="calendar-url">
          {absolute}
        </code>
      </p>
      <ErrorMessage error={rotate.error} />
      <Button className="btn btn-secondary" onPress={() => setOpen(true)}>
        {t('settings.rotate')}
      </Button>
      <p role="status" className={rotated ? 'alert alert-success' : undefined}>
        {rotated ? t('settings.rotated') : ''}
      </p>
      <ConfirmDialog
        isOpen={open}
        title={t('settings.rotateTitle')}
        confirmLabel={t('settings.rotateConfirm')}
        pending={rotate.pending}
        onCancel={() => setOpen(false)}
        onConfirm={() =>
          void rotate.run({}).then((r) => {
            setOpen(false);
            if (r) {
              setRotated(r.rotateCalendarToken.calendarUrl);
              onDone();
            }
          })
        }
      >
        <p>{t('settings.rotateText')}</p>
      </ConfirmDialog>
    </section>
  );
}
