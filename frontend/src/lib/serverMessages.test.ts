import { describe, expect, it } from 'vitest';
import { bareMessage, fieldKey, serverMessageKey } from './serverMessages';
import type { ApiError } from './client';
import de from '../i18n/de.json';
import en from '../i18n/en.json';
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

describe('server messages of dispositions, comments, the Leitbild, the glossary and settings', () => {
  const cases: [string, string, string | undefined, string, Record<string, string>?][] = [
    ['VALIDATION', 'reason: give the reason for the decision', 'reason', 'reasonRequired'],
    ['VALIDATION', 'subjectId: this comment belongs to no process', 'subjectId', 'commentWithoutProcess'],
    ['VALIDATION', 'subjectId: neither a proposal nor a comment', 'subjectId', 'notProposalOrComment'],
    ['VALIDATION', 'link: at most 200 characters', 'link', 'tooLong', { n: '200' }],
    ['FORBIDDEN', 'not allowed: only the author edits a comment', undefined, 'onlyAuthorEdits'],
    ['CONFLICT', 'a hidden comment cannot be edited', undefined, 'hiddenCommentNotEditable'],
    ['CONFLICT', 'the comment was changed meanwhile; it is at version 3', undefined, 'commentChanged', { version: '3' }],
    ['VALIDATION', 'body: must not be empty', 'body', 'empty'],
    ['CONFLICT', 'this edition is under a running process; it is adopted when the process ends', undefined, 'adoptUnderProcess'],
    ['CONFLICT', 'only a draft can be adopted', undefined, 'onlyDraftAdopted'],
    ['CONFLICT', 'only a draft edition can be changed', undefined, 'onlyDraftChanged'],
    ['VALIDATION', 'fieldOfActionIds: must name every field of action of the edition once', 'fieldOfActionIds', 'reorderIncomplete'],
    ['VALIDATION', 'minApprovalsPerSector: between 1 and 20', 'minApprovalsPerSector', 'between', { min: '1', max: '20' }],
    ['VALIDATION', 'termId: already deprecated', 'termId', 'alreadyDeprecated'],
    ['VALIDATION', 'replacedById: a term cannot replace itself', 'replacedById', 'termReplacesItself'],
    ['VALIDATION', 'replacedById: the replacement is deprecated itself', 'replacedById', 'replacementDeprecated'],
    ['VALIDATION', 'replacedById: no such term', 'replacedById', 'noSuchTerm'],
    ['VALIDATION', 'otherId: a term cannot relate to itself', 'otherId', 'termRelatesToItself'],
    [
      'CONFLICT',
      'these terms are already related in another way; remove that relation first',
      undefined,
      'relatedOtherWay',
    ],
    ['NOT_FOUND', 'review not found', undefined, 'noReview'],
    ['FORBIDDEN', 'not allowed: Moderate needs another role', undefined, 'needsRole'],
    ['FORBIDDEN', 'not allowed: ManageGlossary needs another role', undefined, 'needsRole'],
  ];
  it.each(cases)('%s "%s"', (code, message, field, key, values) => {
    const found = serverMessageKey({ code: code as ApiError['code'], message, field });
    expect(found?.key).toBe(key);
    if (values) expect(found?.values).toEqual(values);
  });

  it('has a German and an English sentence for every key and every named field', () => {
    for (const [, message, field, key] of cases) {
      for (const lang of [de, en]) {
        expect(typeof (lang.server as Record<string, unknown>)[key]).toBe('string');
        const f = fieldKey({ code: 'VALIDATION', message, field });
        if (field) expect(f).not.toBeNull();
        if (f) expect(typeof (lang.server.fields as Record<string, unknown>)[f]).toBe('string');
      }
    }
  });

  it('names the field only when the server gives one', () => {
    expect(fieldKey({ code: 'VALIDATION', message: 'x', field: 'reason' })).toBe('reason');
    expect(fieldKey({ code: 'VALIDATION', message: 'x', field: 'somethingElse' })).toBeNull();
    expect(fieldKey({ code: 'CONFLICT', message: 'x' })).toBeNull();
  });

  it('names the field of every validation error a process start or proposal can raise', () => {
    const raised: [string, string][] = [
      ['phases', 'phases go DRAFTING, CONSULTATION, VOTING, RESOLUTION, each once'],
      ['phases', 'VOTING must end after it starts'],
      ['votingRule.quorum', 'a share between 0 and 1'],
      ['votingRule.threshold', 'a share between 0 and 1'],
      ['participantOrganizationIds', 'name the participating organisations'],
      ['leitbildId', 'a process runs on a draft edition'],
      ['goalId', 'required for this kind'],
      ['fieldOfActionId', 'required for ADD_GOAL'],
      ['text', 'say what the goal should read'],
    ];
    const server = de.server as Record<string, unknown> & { fields: Record<string, string> };
    const enServer = en.server as Record<string, unknown> & { fields: Record<string, string> };
    for (const [field, message] of raised) {
      const e: ApiError = { code: 'VALIDATION', field, message: `${field}: ${message}` };
      const label = fieldKey(e);
      expect(label, field).not.toBeNull();
      expect(server.fields[label ?? ''], field).toBeTruthy();
      expect(enServer.fields[label ?? ''], field).toBeTruthy();
      const key = serverMessageKey(e)?.key ?? '';
      expect(server[key], message).toBeTruthy();
      expect(enServer[key], message).toBeTruthy();
    }
  });
});
