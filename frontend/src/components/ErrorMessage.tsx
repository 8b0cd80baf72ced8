import { useTranslation } from 'react-i18next';
import { errorsOf, fieldOf, useErrorText, type FieldMapping } from '../lib/errors';

/**
 * Summarises a failed request in an alert. Errors that belong to a form field (see `mapping`)
 * are shown next to that field; the alert then only points to them.
 */
export function ErrorMessage({ error, mapping = {} }: { error: unknown; mapping?: FieldMapping }) {
  const { message } = useErrorText();
  const { t } = useTranslation();
  const errors = errorsOf(error);
  if (errors.length === 0) return null;
  const messages = [
    ...new Set(errors.map((e) => (fieldOf(e, mapping) ? t('errors.VALIDATION_FIELDS') : message(e)))),
  ];
  return (
    <div role="alert" className="alert alert-error">
      {messages.length === 1 ? (
        <p>{messages[0]}</p>
      ) : (
        <>
          <p>{t('errors.several')}</p>
          <ul>
            {messages.map((m) => (
              <li key={m}>{m}</li>
            ))}
          </ul>
        </>
      )}
    </div>
  );
}
