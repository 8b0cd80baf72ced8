import type { TypedDocumentString } from '../gql/graphql';

/** Error codes the server puts in `extensions.code`, plus NETWORK for transport failures. */
export type ErrorCode =
  | 'UNAUTHENTICATED'
  | 'FORBIDDEN'
  | 'NOT_FOUND'
  | 'VALIDATION'
  | 'CONFLICT'
  | 'LIMIT'
  | 'INTERNAL'
  | 'NETWORK';

const KNOWN_CODES: ReadonlySet<string> = new Set([
  'UNAUTHENTICATED',
  'FORBIDDEN',
  'NOT_FOUND',
  'VALIDATION',
  'CONFLICT',
  'LIMIT',
  'INTERNAL',
]);

export interface ApiError {
  code: ErrorCode;
  message: string;
  /** For VALIDATION: the input field the message belongs to (last path segment, e.g. `email`). */
  field?: string;
  /** The whole field path as the server named it, e.g. `breakdown[1].value`. */
  path?: string;
  /** What the server adds to resolve the error, e.g. for CONFLICT the current text and version. */
  details?: Record<string, unknown>;
}

interface RawGraphQLError {
  message?: unknown;
  extensions?: { code?: unknown; field?: unknown; details?: unknown } | null;
}

export class RequestError extends Error {
  readonly errors: ApiError[];
  constructor(errors: ApiError[]) {
    super(errors.map((e) => `${e.code}: ${e.message}`).join('; '));
    this.name = 'RequestError';
    this.errors = errors;
  }
  hasCode(code: ErrorCode): boolean {
    return this.errors.some((e) => e.code === code);
  }
}

export function normalizeError(raw: RawGraphQLError): ApiError {
  const code = typeof raw.extensions?.code === 'string' ? raw.extensions.code : '';
  const message = typeof raw.message === 'string' ? raw.message : '';
  const fieldRaw = raw.extensions?.field;
  const error: ApiError = {
    code: KNOWN_CODES.has(code) ? (code as ErrorCode) : 'INTERNAL',
    message,
  };
  if (typeof fieldRaw === 'string' && fieldRaw !== '') {
    const parts = fieldRaw.split('.');
    error.field = parts[parts.length - 1];
    error.path = fieldRaw;
  }
  const details = raw.extensions?.details;
  if (details && typeof details === 'object' && !Array.isArray(details)) {
    error.details = details as Record<string, unknown>;
  }
  return error;
}

type Listener = (error: RequestError) => void;
const listeners = new Set<Listener>();

/** Called for every failed request, e.g. to drop the session on UNAUTHENTICATED. */
export function onRequestError(listener: Listener): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

/**
 * Sends one operation to `POST /graphql` with the session cookie and the CSRF header the
 * server requires for cookie-authenticated mutations.
 */
export async function request<TResult, TVariables>(
  document: TypedDocumentString<TResult, TVariables>,
  variables?: TVariables,
): Promise<TResult> {
  let response: Response;
  try {
    response = await fetch('/graphql', {
      method: 'POST',
      credentials: 'same-origin',
      headers: {
        'Content-Type': 'application/json',
        Accept: 'application/graphql-response+json, application/json',
        'X-Teilhabe-Csrf': '1',
      },
      body: JSON.stringify({ query: document.toString(), variables: variables ?? {} }),
    });
  } catch (e) {
    throw emit(new RequestError([{ code: 'NETWORK', message: String(e) }]));
  }
  let body: { data?: TResult | null; errors?: RawGraphQLError[] };
  try {
    body = (await response.json()) as typeof body;
  } catch {
    throw emit(
      new RequestError([
        { code: response.ok ? 'INTERNAL' : 'NETWORK', message: `HTTP ${response.status}` },
      ]),
    );
  }
  if (body.errors && body.errors.length > 0) {
    throw emit(new RequestError(body.errors.map(normalizeError)));
  }
  if (body.data == null) {
    throw emit(new RequestError([{ code: 'INTERNAL', message: `HTTP ${response.status}` }]));
  }
  return body.data;
}

function emit(error: RequestError): RequestError {
  for (const l of listeners) l(error);
  return error;
}
