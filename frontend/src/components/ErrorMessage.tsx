import { useTranslation } from 'react-i18next';
import { RequestError, type ApiError } from '../lib/client';

/** The user-facing text for one error (German by default). */
export function useErrorText(): (e: ApiError) => string {
  const { t } = useTranslation();
  return (e: ApiError) => {
    switch (e.code) {
      case 'VALIDATION':
        return e.field ? t('errors.VALIDATION_FIELDS') : t('errors.VALIDATION', { message: e.message });
      case 'UNAUTHENTICATED':
      case 'FORBIDDEN':
      case 'NOT_FOUND':
      case 'CONFLICT':
      case 'LIMIT':
      case 'NETWORK':
        return t(`errors.${e.code}`);
      default:
        return t('errors.INTERNAL');
    }
  };
}

/** Summarises a failed request in an alert; field messages appear next to their fields. */
export function ErrorMessage({ error }: { error: unknown }) {
  const text = useErrorText();
  const { t } = useTranslation();
  if (!error) return null;
  const errors: ApiError[] =
    error instanceof RequestError ? error.errors : [{ code: 'INTERNAL', message: error instanceof Error ? error.message : '' }];
  const messages = [...new Set(errors.map(text))];
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
