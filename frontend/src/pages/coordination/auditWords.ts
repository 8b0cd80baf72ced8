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

/** The summary, with a comment's target named by its kind (as a translation key) instead of an id. */
export function summaryParts(summary: string): { commentOn: string } | { text: string } {
  const m = COMMENT_ON.exec(summary.trim());
  if (m?.[1]) return { commentOn: m[1] };
  return { text: summary };
}
