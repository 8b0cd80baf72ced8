import { useState, type FormEvent } from 'react';
import { Button, Form } from 'react-aria-components';
import { useTranslation } from 'react-i18next';
import { ErrorMessage } from '../../components/ErrorMessage';
import { TextArea } from '../../components/TextArea';
import { request, RequestError } from '../../lib/client';
import { SetReportTextMutation } from './operations';

/** The text a conflicting save met on the server, from `extensions.details`. */
export function conflictOf(error: unknown): { text: string; version: number } | null {
  if (!(error instanceof RequestError)) return null;
  const e = error.errors.find((x) => x.code === 'CONFLICT');
  if (!e) return null;
  const text = e.details?.currentText;
  const version = e.details?.currentVersion;
  return {
    text: typeof text === 'string' ? text : '',
    version: typeof version === 'number' ? version : 0,
  };
}

export function Paragraphs({ text }: { text: string }) {
  return (
    <>
      {text
        .split(/\n\s*\n/)
        .filter((p) => p.trim() !== '')
        .map((p, i) => (
          <p key={i}>{p}</p>
        ))}
    </>
  );
}

/** The coordinator's text on a field of action; coordinators edit it in place. */
export function FieldText({
  fieldId,
  fieldTitle,
  text,
  version,
  editable,
  onSaved,
}: {
  fieldId: string;
  fieldTitle: string;
  text: string | null;
  version: number;
  editable: boolean;
  onSaved?: () => void;
}) {
  const { t } = useTranslation();
  const [error, setError] = useState<unknown>(undefined);
  const [pending, setPending] = useState(false);
  const [editing, setEditing] = useState(false);
  const [draft, setDraft] = useState('');
  const [base, setBase] = useState(0);
  const [conflict, setConflict] = useState<{ text: string; version: number } | null>(null);
  const [saved, setSaved] = useState(false);
  const headingId = `text-${fieldId}`;

  if (!editable && !text) return null;

  function start() {
    setDraft(text ?? '');
    setBase(version);
    setConflict(null);
    setSaved(false);
    setError(undefined);
    setEditing(true);
  }

  async function onSubmit(e: FormEvent<HTMLFormElement>) {
    e.preventDefault();
    setSaved(false);
    setError(undefined);
    setPending(true);
    try {
      await request(SetReportTextMutation, { fieldOfActionId: fieldId, text: draft, expectedVersion: base });
      setEditing(false);
      setConflict(null);
      setSaved(true);
      onSaved?.();
    } catch (err) {
      const current = conflictOf(err);
      if (current) {
        setConflict(current);
        // the report behind the editor shows the other person's text, too
        onSaved?.();
      } else {
        setError(err);
      }
    } finally {
      setPending(false);
    }
  }

  const shownConflict = conflict;

  return (
    <section className="report-text" aria-labelledby={headingId}>
      <h3 id={headingId}>{t('report.text.heading')}</h3>
      {!editing && (text ? <Paragraphs text={text} /> : <p className="muted no-print">{t('report.text.empty')}</p>)}
      <p role="status" className="no-print">
        {saved ? t('report.text.saved') : ''}
      </p>
      {editable && !editing && (
        <Button className="btn btn-secondary no-print" onPress={start}>
          {t('report.text.edit', { field: fieldTitle })}
        </Button>
      )}
      {editing && (
        <Form className="form no-print" onSubmit={(e) => void onSubmit(e)}>
          {shownConflict && (
            <div role="alert" className="alert alert-error">
              <p>{t('report.text.conflict')}</p>
              <blockquote className="report-conflict-text">
                {shownConflict.text ? <Paragraphs text={shownConflict.text} /> : <p>{t('report.text.conflictEmpty')}</p>}
              </blockquote>
              <div className="button-row">
                <Button
                  className="btn btn-secondary"
                  onPress={() => {
                    setDraft(shownConflict.text);
                    setBase(shownConflict.version);
                    setConflict(null);
                  }}
                >
                  {t('report.text.takeCurrent')}
                </Button>
                <Button
                  className="btn btn-secondary"
                  onPress={() => {
                    setDraft(`${draft.trimEnd()}\n\n${shownConflict.text}`.trim());
                    setBase(shownConflict.version);
                    setConflict(null);
                  }}
                >
                  {t('report.text.merge')}
                </Button>
                <Button
                  className="btn btn-secondary"
                  onPress={() => {
                    setBase(shownConflict.version);
                    setConflict(null);
                  }}
                >
                  {t('report.text.keepMine')}
                </Button>
              </div>
            </div>
          )}
          {!shownConflict && <ErrorMessage error={error} />}
          <TextArea
            label={t('report.text.label', { field: fieldTitle })}
            description={t('report.text.hint')}
            value={draft}
            onChange={setDraft}
            rows={6}
          />
          <div className="button-row">
            <Button type="submit" className="btn" isPending={pending} isDisabled={!!shownConflict}>
              {t('report.text.save')}
            </Button>
            <Button className="btn btn-secondary" onPress={() => setEditing(false)}>
              {t('common.cancel')}
            </Button>
          </div>
        </Form>
      )}
    </section>
  );
}
