import { describe, expect, it } from 'vitest';
import de from '../../i18n/de.json';
import en from '../../i18n/en.json';
import { actionKey, summaryParts } from './auditWords';

// Every action the server records (grep 'action: "' src), so none shows as `vote.cast`.
const ACTIONS = `comment.add comment.edit comment.hide definition.map definition.propose definition.review
definition.review.withdraw definition.unmap definition.update delivery.accept delivery.confirm delivery.request
delivery.return disposition.set field_of_action.add field_of_action.reorder field_of_action.update glossary.import
glossary.rule goal.add goal.update indicator.assign_owner indicator.create indicator.review leitbild.adopt
leitbild.archive leitbild.create notifications.calendar_token notifications.settings organization.create
process.advance process.start proposal.decide proposal.submit proposal.update proposal.withdraw report.freeze
report.text session.login session.logout term.deprecate term.propose term.update user.create user.erase user.update
vote.cast district.create district.update district.remove district.map indicator.suppression`.split(/\s+/);

describe('audit log words', () => {
  it('has a German and an English label for every action', () => {
    const labels = [de.auditAction as Record<string, string>, en.auditAction as Record<string, string>];
    for (const action of ACTIONS) {
      for (const l of labels) expect(l[actionKey(action)], action).toBeTruthy();
    }
  });

  it('names the target of a comment instead of its id', () => {
    expect(summaryParts('Kommentar zu Goal 0193a1b2-0000-7000-8000-000000000001')).toEqual({ commentOn: 'Goal' });
    expect(summaryParts('Phase Entwurf beendet')).toEqual({ text: 'Phase Entwurf beendet' });
  });

  it('names an enum of an older summary by its word, with a German and an English one', () => {
    const cases: [string, string, string, string][] = [
      ['Abwägung: PartlyTakenUp', 'Abwägung: ', 'participation.decision.PARTLY_TAKEN_UP', ''],
      ['Vorschlag eingereicht (AmendGoal): Neu', 'Vorschlag eingereicht (', 'participation.kind.AMEND_GOAL', '): Neu'],
      ['Organisation „Caritas“ (CivilSociety) angelegt', 'Organisation „Caritas“ (', 'sector.CIVIL_SOCIETY', ') angelegt'],
      ['Person angelegt (Rolle Coordinator, 2 Organisationen)', 'Person angelegt (Rolle ', 'role.COORDINATOR', ', 2 Organisationen)'],
      ['Abbildung ExactMatch auf http://x/y entfernt', 'Abbildung ', 'glossary.mappingKind.EXACT_MATCH', ' auf http://x/y entfernt'],
    ];
    const lookup = (o: unknown, key: string) =>
      key.split('.').reduce<unknown>((at, k) => (at as Record<string, unknown> | undefined)?.[k], o);
    for (const [summary, before, word, after] of cases) {
      expect(summaryParts(summary)).toEqual({ before, word, after });
      expect(lookup(de, word), word).toBeTypeOf('string');
      expect(lookup(en, word), word).toBeTypeOf('string');
    }
    // What the server writes now stays as it is.
    expect(summaryParts('Abwägung: berücksichtigt')).toEqual({ text: 'Abwägung: berücksichtigt' });
    expect(summaryParts('Organisation „Caritas“ (Zivilgesellschaft) angelegt')).toEqual({
      text: 'Organisation „Caritas“ (Zivilgesellschaft) angelegt',
    });
  });
});
