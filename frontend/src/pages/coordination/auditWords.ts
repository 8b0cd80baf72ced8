/**
 * The audit log in words: each action's translation key, and summaries the server wrote in
 * developer terms ("Kommentar zu Goal <uuid>") turned into a sentence. Old rows keep their
 * wording in the database, so this is done when they are shown.
 */

/** The translation key (under `auditAction.`) of a stored action such as `vote.cast`. */
export function actionKey(action: string): string {
  return action.replace(/\./g, '_');
}

const COMMENT_ON = /^Kommentar zu (Proposal|Goal|FieldOfAction|Definition|Indicator) [0-9a-f-]{36}$/;

/**
 * Summaries written before the server put German words in (2026-12-06) carry an enum's name
 * ("Abwägung: TakenUp"): the summary's shape and the translation keys of that enum's words.
 */
const OLD_ENUM_NAMES: [RegExp, string][] = [
  [/^(Abwägung: )(TakenUp|PartlyTakenUp|NotTakenUp|Noted)()$/s, 'participation.decision'],
  [
    /^(Vorschlag eingereicht \()(AddGoal|AmendGoal|RemoveGoal|AddFieldOfAction|AmendFieldOfAction|RemoveFieldOfAction)(\): .*)$/s,
    'participation.kind',
  ],
  [/^(Organisation „.*“ \()(Administration|Politics|CivilSociety|Science)(\) angelegt)$/s, 'sector'],
  [/^(Person angelegt \(Rolle )(Admin|Coordinator|Member)(, .*)$/s, 'role'],
  [/^(Abbildung )(ExactMatch|CloseMatch|BroaderMatch|NarrowerMatch)( auf .*)$/s, 'glossary.mappingKind'],
];

/** A Rust enum name as the schema spells it: CivilSociety → CIVIL_SOCIETY. */
function schemaName(name: string): string {
  return name.replace(/([a-z])([A-Z])/g, '$1_$2').toUpperCase();
}

export type SummaryParts =
  | { commentOn: string }
  | { before: string; word: string; after: string }
  | { text: string };

/**
 * The summary, with a comment's target named by its kind (as a translation key) instead of an
 * id, and an older row's enum name as the translation key of its word.
 */
export function summaryParts(summary: string): SummaryParts {
  const m = COMMENT_ON.exec(summary.trim());
  if (m?.[1]) return { commentOn: m[1] };
  for (const [shape, keys] of OLD_ENUM_NAMES) {
    const old = shape.exec(summary);
    if (old?.[2] !== undefined) {
      return { before: old[1] ?? '', word: `${keys}.${schemaName(old[2])}`, after: old[3] ?? '' };
    }
  }
  return { text: summary };
}
