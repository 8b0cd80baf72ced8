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
  // participation: comments and dispositions
  [/^give the reason for the decision$/, 'reasonRequired'],
  [/^this comment belongs to no process$/, 'commentWithoutProcess'],
  [/^neither a proposal nor a comment$/, 'notProposalOrComment'],
  [/^only the author edits a comment$/, 'onlyAuthorEdits'],
  [/^a hidden comment cannot be edited$/, 'hiddenCommentNotEditable'],
  [/^the comment was changed meanwhile; it is at version (\d+)$/, 'commentChanged', ['version']],
  [/^must quote a passage of the commented text$/, 'anchorNotQuoted'],
  [/^a reply answers a comment on the same item$/, 'replyOtherItem'],
  [/^nothing that can be commented on has this id$/, 'noCommentTarget'],
  // Leitbild: adoption and order
  [/^this edition is under a running process; it is adopted when the process ends$/, 'adoptUnderProcess'],
  [/^only a draft can be adopted$/, 'onlyDraftAdopted'],
  [/^only a draft edition can be changed$/, 'onlyDraftChanged'],
  [/^must name every field of action of the edition once$/, 'reorderIncomplete'],
  // glossary: relations, deprecation, agreement rule, reviews
  [/^between (\d+) and (\d+)$/, 'between', ['min', 'max']],
  [/^already deprecated$/, 'alreadyDeprecated'],
  [/^a term cannot replace itself$/, 'termReplacesItself'],
  [/^the replacement is deprecated itself$/, 'replacementDeprecated'],
  [/^no such term$/, 'noSuchTerm'],
  [/^a term cannot relate to itself$/, 'termRelatesToItself'],
  [/^these terms are already related in another way; remove that relation first$/, 'relatedOtherWay'],
  [/^review not found$/, 'noReview'],
  // participation: starting a process and proposing
  [/^a share between 0 and 1$/, 'share'],
  [/^a process needs phases$/, 'phasesMissing'],
  [/^phases go DRAFTING, CONSULTATION, VOTING, RESOLUTION, each once$/, 'phasesOrder'],
  [/^a phase may not start before the previous one ends$/, 'phasesOverlap'],
  [/^\w+ must end after it starts$/, 'phaseEndsBeforeStart'],
  [/^a DRAFTING or CONSULTATION phase is needed for proposals$/, 'phasesNoProposals'],
  [/^VOTING and RESOLUTION are needed$/, 'phasesNoVote'],
  [/^a process runs on a draft edition$/, 'processNeedsDraft'],
  [/^name the participating organisations$/, 'participantsMissing'],
  [/^required for (ADD_GOAL|this kind)$/, 'requiredForKind'],
  [/^say what the goal should read$/, 'goalTextMissing'],
  [/^no such goal$/, 'noSuchGoal'],
  // permissions: "not allowed: Moderate needs another role"
  [/^\w+ needs another role$/, 'needsRole'],
];

/**
 * Translation keys (under `server.fields.`) of the input fields the server names in
 * `extensions.field`, so that a message in a summary can say which field it means.
 */
const FIELDS: Record<string, string> = {
  reason: 'reason',
  link: 'link',
  subjectId: 'subject',
  decision: 'decision',
  body: 'body',
  anchor: 'anchor',
  parentId: 'parent',
  targetId: 'target',
  resolutionReference: 'resolutionReference',
  fieldOfActionIds: 'fieldOfActionIds',
  minApprovalsPerSector: 'minApprovalsPerSector',
  requiredSectors: 'requiredSectors',
  termId: 'term',
  otherId: 'otherTerm',
  replacedById: 'replacedBy',
  kind: 'kind',
  title: 'title',
  description: 'description',
  email: 'email',
  name: 'name',
  password: 'password',
  phases: 'phases',
  'votingRule.quorum': 'quorum',
  'votingRule.threshold': 'threshold',
  participantOrganizationIds: 'participants',
  leitbildId: 'edition',
  goalId: 'goal',
  parentGoalId: 'parentGoal',
  fieldOfActionId: 'fieldOfAction',
  text: 'text',
  organizationId: 'organization',
  basedOnId: 'basedOn',
  year: 'year',
};

/** The translation key (under `server.fields.`) of the field an error names, if known. */
export function fieldKey(e: ApiError): string | null {
  if (!e.field) return null;
  return FIELDS[e.field] ?? null;
}

/** The message without the `field: ` prefix the server puts before validation messages. */
export function bareMessage(e: ApiError): string {
  const m = e.message.trim();
  if (e.field) {
    const prefix = `${e.field}: `;
    if (m.startsWith(prefix)) return m.slice(prefix.length);
  }
  if (e.code === 'FORBIDDEN' && m.startsWith('not allowed: ')) return m.slice('not allowed: '.length);
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
