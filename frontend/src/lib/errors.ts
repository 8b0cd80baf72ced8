import { useCallback } from 'react';
import { useTranslation } from 'react-i18next';
import { RequestError, type ApiError } from './client';
import { fieldKey, serverMessageKey } from './serverMessages';

export interface FieldMapping {
  /** Form fields that show their own VALIDATION message. */
  fields?: string[];
  /** A CONFLICT (e.g. "email already in use") is shown at this field. */
  conflictField?: string;
}

/** Which field, if any, shows this error next to itself. */
export function fieldOf(e: ApiError, mapping: FieldMapping): string | undefined {
  if (e.code === 'VALIDATION' && e.field && mapping.fields?.includes(e.field)) return e.field;
  if (e.code === 'CONFLICT' && mapping.conflictField) return mapping.conflictField;
  return undefined;
}

export function errorsOf(error: unknown): ApiError[] {
  if (!error) return [];
  if (error instanceof RequestError) return error.errors;
  return [{ code: 'INTERNAL', message: error instanceof Error ? error.message : '' }];
}

/** Turns server errors into German (or English) text. */
export function useErrorText() {
  const { t } = useTranslation();
  /** The specific message, e.g. "Mindestens 12 Zeichen." (without naming the field). */
  const plain = useCallback(
    (e: ApiError): string => {
      const known = serverMessageKey(e);
      if (known) return t(`server.${known.key}`, known.values);
      switch (e.code) {
        case 'UNAUTHENTICATED':
        case 'FORBIDDEN':
        case 'NOT_FOUND':
        case 'CONFLICT':
        case 'LIMIT':
        case 'NETWORK':
        case 'VALIDATION':
          return t(`errors.${e.code}`);
        default:
          return t('errors.INTERNAL');
      }
    },
    [t],
  );

  /** The message naming the field it is about, e.g. "Begründung: Bitte ausfüllen." */
  const message = useCallback(
    (e: ApiError): string => {
      const text = plain(e);
      const key = fieldKey(e);
      if (key) return t('server.withField', { field: t(`server.fields.${key}`), message: text });
      // A field without a label yet is still named, so that nobody reads "invalid input" alone.
      return e.code === 'VALIDATION' && e.field ? t('server.withField', { field: e.field, message: text }) : text;
    },
    [t, plain],
  );

  /** Messages keyed by field for React Aria's `validationErrors`. */
  const fieldErrors = useCallback(
    (error: unknown, mapping: FieldMapping): Record<string, string> => {
      const out: Record<string, string> = {};
      for (const e of errorsOf(error)) {
        const f = fieldOf(e, mapping);
        if (f && !(f in out)) out[f] = plain(e);
      }
      return out;
    },
    [plain],
  );

  return { message, plain, fieldErrors };
}
