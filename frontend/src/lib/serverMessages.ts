import type { ApiError } from './client';

/** A translation key (under `server.`) with its interpolation values. */
export interface MessageKey {
  key: string;
  values?: Record<string, string>;
}

/**
 * The server's messages are English and meant for developers; users read German. Known
 * messages are mapped to translation keys here; unknown ones fall back to the text of the code.
 */
const PATTERNS: [RegExp, string, string[]?][] = [
  [/^not a valid email address$/, 'invalidEmail'],
  [/^must not be empty$/, 'empty'],
  [/^at most (\d+) characters$/, 'tooLong', ['n']],
  [/^at most (\d+) bytes$/, 'tooLongBytes', ['n']],
  [/^at least (\d+) characters$/, 'tooShort', ['n']],
  [/^must not contain control characters$/, 'controlCharacters'],
  [/^no such organisation$/, 'noSuchOrganization'],
  [/^unknown organisation$/, 'unknownOrganization'],
  [/^this person was erased$/, 'personErased'],
  [/^you cannot deactivate yourself$/, 'cannotDeactivateSelf'],
  [/^an erased person cannot be reactivated$/, 'cannotReactivateErased'],
  [/^you cannot erase yourself$/, 'cannotEraseSelf'],
  [/^email already in use$/, 'emailTaken'],
  [/^an organisation named .* exists$/, 'organizationExists'],
  [/^already exists$/, 'alreadyExists'],
  [/^too many failed logins/, 'tooManyLogins'],
  [/^only admins (create|change) admins$/, 'onlyAdminsAdmins'],
];

/** The message without the `field: ` prefix the server puts before validation messages. */
export function bareMessage(e: ApiError): string {
  const m = e.message.trim();
  if (e.field) {
    const prefix = `${e.field}: `;
    if (m.startsWith(prefix)) return m.slice(prefix.length);
  }
  const colon = /^[A-Za-z][\w.-]*: (.*)$/.exec(m);
  if (e.code === 'VALIDATION' && colon?.[1]) return colon[1];
  return m;
}

export function serverMessageKey(e: ApiError): MessageKey | null {
  const m = bareMessage(e);
  for (const [re, key, names] of PATTERNS) {
    const match = re.exec(m);
    if (match) {
      const values: Record<string, string> = {};
      names?.forEach((n, i) => {
        values[n] = match[i + 1] ?? '';
      });
      return { key, values };
    }
  }
  return null;
}
