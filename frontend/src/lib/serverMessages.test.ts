import { describe, expect, it } from 'vitest';
import { bareMessage, serverMessageKey } from './serverMessages';
import { fieldOf } from './errors';

describe('server messages', () => {
  it('strips the field prefix of validation messages', () => {
    expect(bareMessage({ code: 'VALIDATION', field: 'email', message: 'email: not a valid email address' })).toBe(
      'not a valid email address',
    );
  });

  it('maps known messages to translation keys with values', () => {
    expect(
      serverMessageKey({ code: 'VALIDATION', field: 'password', message: 'password: at least 12 characters' }),
    ).toEqual({ key: 'tooShort', values: { n: '12' } });
    expect(serverMessageKey({ code: 'CONFLICT', message: 'an organisation named "Amt 33" exists' })?.key).toBe(
      'organizationExists',
    );
    expect(serverMessageKey({ code: 'INTERNAL', message: 'internal error' })).toBeNull();
  });

  it('puts validation and conflicts at the fields of the form', () => {
    const mapping = { fields: ['email', 'name'], conflictField: 'email' };
    expect(fieldOf({ code: 'VALIDATION', field: 'name', message: '' }, mapping)).toBe('name');
    expect(fieldOf({ code: 'VALIDATION', field: 'id', message: '' }, mapping)).toBeUndefined();
    expect(fieldOf({ code: 'CONFLICT', message: 'email already in use' }, mapping)).toBe('email');
    expect(fieldOf({ code: 'FORBIDDEN', message: '' }, mapping)).toBeUndefined();
  });
});
