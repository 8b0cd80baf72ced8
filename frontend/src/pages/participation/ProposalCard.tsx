import { useState, type FormEvent } from 'react';
import { Button, Form } from 'react-aria-components';
import { useTranslation } from 'react-i18next';
import { ConfirmDialog } from '../../components/ConfirmDialog';
import { ErrorMessage } from '../../components/ErrorMessage';
import { RadioField, TextInput } from '../../components/fields';
import { TextArea } from '../../components/TextArea';
import { useErrorText } from '../../lib/errors';
import { formText } from '../../lib/form';
import { formatDateTime, formatNumber } from '../../lib/format';
import { useMutation, useQuery } from '../../lib/hooks';
import type { Eligibility, ProcessViewQuery, TallyPartsFragment, VoteChoice } from '../../gql/graphql';
import { wordDiff } from '../../lib/diff';
import { Expander } from '../../components/Expander';
import { DiffLegend, WordDiff } from '../../components/WordDiff';
import { CommentThread } from './Comments';
import { CastVoteMutation, GoalVersionsQuery, UpdateProposalMutation, WithdrawProposalMutation } from './operations';
import { useLiveTally } from './useLiveTally';

export type ProposalData = NonNullable<ProcessViewQuery['process']>['proposals'][number];
const CHOICES: VoteChoice[] = ['YES', 'NO', 'ABSTAIN'];
const PROPOSAL_FIELDS = { fields: ['title', 'text', 'rationale'] };

/** What the tally is judged by, from the process. */
export interface VoteRule {
  eligibility: Eligibility;
  sectorMajority: boolean;
}

export function ProposalCard({
  proposal: p,
  userId,
  coordinator,
  votingOpen,
  canVote,
  commentingOpen,
  rule,
  onChange,
}: {
  proposal: ProposalData;
  userId: string;
  coordinator: boolean;
  votingOpen: boolean;
  canVote: boolean;
  commentingOpen: boolean;
  rule: VoteRule;
  onChange: () => void;
}) {
  const { t, i18n } = useTranslation();
  const own = p.author?.id === userId;
  const editable = own && p.status === 'SUBMITTED';
  const isAmendment = p.kind === 'AMEND_GOAL' || p.kind === 'AMEND_FIELD_OF_ACTION';
  const target = p.goal?.title ?? p.fieldOfAction?.title;
  const headingId = `proposal-${p.id}`;
  return (
    <article className="card" aria-labelledby={headingId}>
      <h3 id={headingId} data-quotable>
        {p.title}
      </h3>
      <p className="field-description">
        {t(`participation.kind.${p.kind}`)}
        {target && <> – {target}</>} · {p.author?.name ?? t('participation.formerParticipant')}
        {p.authorOrganization && <> ({p.authorOrganization.name})</>} · {formatDateTime(p.createdAt, i18n.language)}
      </p>
      {isAmendment && p.currentText != null ? (
        <AmendmentDiff proposal={p} />
      ) : (
        p.text && <p data-quotable>{p.text}</p>
      )}
      {p.rationale && (
        <p data-quotable>
          <strong>{t('participation.rationale')}:</strong> {p.rationale}
        </p>
      )}
      {editable && <EditProposal proposal={p} onDone={onChange} />}
      {editable && <Withdraw proposalId={p.id} onDone={onChange} />}
      {(p.status === 'IN_VOTE' || p.status === 'ACCEPTED' || p.status === 'REJECTED') && (
        <VoteSection
          proposal={p}
          votingOpen={votingOpen}
          canVote={canVote}
          coordinator={coordinator}
          rule={rule}
          onChange={onChange}
        />
      )}
      <CommentThread
        targetId={p.id}
        comments={p.comments}
        total={p.commentCount}
        canModerate={coordinator}
        canComment={commentingOpen && p.status !== 'WITHDRAWN'}
        onChange={onChange}
      />
    </article>
  );
}

/**
 * The amendment beside the text it changes. Once accepted, the goal already reads like the
 * proposal, so the comparison is with the goal's version before the one the proposal made.
 */
function AmendmentDiff({ proposal: p }: { proposal: ProposalData }) {
  if (p.status === 'ACCEPTED' && p.kind === 'AMEND_GOAL' && p.goal) {
    return <AdoptedAmendmentDiff proposal={p} goalId={p.goal.id} />;
  }
  return <DiffView proposal={p} baseTitle={p.currentTitle ?? ''} baseText={p.currentText ?? ''} adopted={false} />;
}

function AdoptedAmendmentDiff({ proposal: p, goalId }: { proposal: ProposalData; goalId: string }) {
  const versions = useQuery(GoalVersionsQuery, { id: goalId });
  const list = versions.data?.goal?.versions ?? [];
  const made = list.findIndex((v) => v.proposalId === p.id);
  const before = made > 0 ? list[made - 1] : undefined;
  if (!before) {
    return <DiffView proposal={p} baseTitle={p.currentTitle ?? ''} baseText={p.currentText ?? ''} adopted={false} />;
  }
  return <DiffView proposal={p} baseTitle={before.title} baseText={before.description} adopted />;
}

function DiffView({
  proposal: p,
  baseTitle,
  baseText,
  adopted,
}: {
  proposal: ProposalData;
  baseTitle: string;
  baseText: string;
  adopted: boolean;
}) {
  const { t } = useTranslation();
  return (
    <div className="side-by-side">
      <div>
        <h4>{adopted ? t('participation.textBefore') : t('participation.currentText')}</h4>
        <p>
          <strong>{baseTitle}</strong>
        </p>
        <p>{baseText}</p>
      </div>
      <div data-quotable>
        <h4>{adopted ? t('participation.changeAdopted') : t('participation.proposedChanges')}</h4>
        <WordDiff segments={wordDiff(baseTitle, p.title)} label={t('participation.titleChanges')} />
        <WordDiff segments={wordDiff(baseText, p.text)} label={t('participation.textChanges')} />
        <DiffLegend />
      </div>
    </div>
  );
}

function EditProposal({ proposal: p, onDone }: { proposal: ProposalData; onDone: () => void }) {
  const { t } = useTranslation();
  const update = useMutation(UpdateProposalMutation);
  const { fieldErrors } = useErrorText();
  async function onSubmit(e: FormEvent<HTMLFormElement>) {
    e.preventDefault();
    const f = new FormData(e.currentTarget);
    const r = await update.run({
      input: {
        proposalId: p.id,
        title: formText(f, 'title').trim(),
        text: formText(f, 'text').trim(),
        rationale: formText(f, 'rationale').trim(),
        expectedVersion: p.version,
      },
    });
    if (r) onDone();
  }
  return (
    <Expander title={t('participation.editProposal')} level={4}>
      <ErrorMessage error={update.error} mapping={PROPOSAL_FIELDS} />
      <Form className="form" onSubmit={(e) => void onSubmit(e)} validationErrors={fieldErrors(update.error, PROPOSAL_FIELDS)}>
        <TextInput name="title" label={t('participation.proposalTitle')} defaultValue={p.title} isRequired />
        <TextArea name="text" label={t('participation.proposalText')} defaultValue={p.text} />
        <TextArea name="rationale" label={t('participation.rationale')} defaultValue={p.rationale} />
        <Button type="submit" className="btn" isPending={update.pending}>
          {t('participation.save')}
        </Button>
      </Form>
    </Expander>
  );
}

function Withdraw({ proposalId, onDone }: { proposalId: string; onDone: () => void }) {
  const { t } = useTranslation();
  const withdraw = useMutation(WithdrawProposalMutation);
  const [open, setOpen] = useState(false);
  return (
    <div className="inline-actions no-print">
      <Button className="btn btn-secondary btn-small" onPress={() => setOpen(true)}>
        {t('participation.withdraw')}
      </Button>
      <ErrorMessage error={withdraw.error} />
      <ConfirmDialog
        isOpen={open}
        title={t('participation.withdrawTitle')}
        confirmLabel={t('participation.withdraw')}
        destructive
        pending={withdraw.pending}
        onCancel={() => setOpen(false)}
        onConfirm={() =>
          void withdraw.run({ proposalId }).then((r) => {
            setOpen(false);
            if (r) onDone();
          })
        }
      >
        <p>{t('participation.withdrawText')}</p>
      </ConfirmDialog>
    </div>
  );
}

function VoteSection({
  proposal: p,
  votingOpen,
  canVote,
  coordinator,
  rule,
  onChange,
}: {
  proposal: ProposalData;
  votingOpen: boolean;
  canVote: boolean;
  coordinator: boolean;
  rule: VoteRule;
  onChange: () => void;
}) {
  const { t } = useTranslation();
  const open = votingOpen && p.status === 'IN_VOTE';
  const tally = useLiveTally(p.id, p.tally, open && coordinator);
  const vote = useMutation(CastVoteMutation);
  // Nothing is preselected: a vote is only what the person chose.
  const [choice, setChoice] = useState<string>(p.myVote?.choice ?? '');
  const [missing, setMissing] = useState(false);
  async function onSubmit(e: FormEvent<HTMLFormElement>) {
    e.preventDefault();
    if (!(CHOICES as string[]).includes(choice)) {
      setMissing(true);
      return;
    }
    const r = await vote.run({ proposalId: p.id, choice: choice as VoteChoice });
    if (r) onChange();
  }
  return (
    <section aria-label={t('participation.voteOn', { title: p.title })}>
      <h4>{open ? t('participation.voting') : t('participation.result')}</h4>
      <p role="status">
        {p.myVote
          ? t('participation.myVote', { choice: t(`participation.choice.${p.myVote.choice}`) })
          : open
            ? canVote
              ? t('participation.notVoted')
              : t('participation.notEligible')
            : null}
      </p>
      {open && canVote && (
        <>
          <ErrorMessage error={vote.error} />
          <Form className="form" onSubmit={(e) => void onSubmit(e)}>
            <RadioField
              name="choice"
              label={t('participation.yourVote')}
              value={choice}
              isRequired
              onChange={(c) => {
                setChoice(c);
                setMissing(false);
              }}
              options={CHOICES.map((c) => ({ id: c, label: t(`participation.choice.${c}`) }))}
            />
            {missing && (
              <p role="alert" className="field-error">
                {t('participation.chooseFirst')}
              </p>
            )}
            {rule.eligibility === 'ORGANIZATION' && (
              <p className="field-description">{t('participation.oneVotePerOrganization')}</p>
            )}
            <Button type="submit" className="btn" isPending={vote.pending}>
              {p.myVote ? t('participation.changeVote') : t('participation.castVote')}
            </Button>
          </Form>
        </>
      )}
      {tally ? (
        <TallyView tally={tally} final={!open} status={p.status} rule={rule} />
      ) : (
        open && <p>{t('participation.tallyHidden')}</p>
      )}
    </section>
  );
}

function TallyView({
  tally,
  final,
  status,
  rule,
}: {
  tally: TallyPartsFragment;
  final: boolean;
  status: string;
  rule: VoteRule;
}) {
  const { t, i18n } = useTranslation();
  const n = (v: number) => formatNumber(v, i18n.language);
  const cast = tally.yes + tally.no + tally.abstain;
  const choices = [t('participation.choice.YES'), t('participation.choice.NO'), t('participation.choice.ABSTAIN')];
  return (
    <div className="tally-box">
      <div aria-live="polite" aria-atomic="true">
        <p>
          <strong>{final ? t('participation.finalTally') : t('participation.runningTally')}</strong>
        </p>
        <dl className="tally">
          <div>
            <dt>{t('participation.choice.YES')}</dt>
            <dd data-testid="tally-yes">{n(tally.yes)}</dd>
          </div>
          <div>
            <dt>{t('participation.choice.NO')}</dt>
            <dd>{n(tally.no)}</dd>
          </div>
          <div>
            <dt>{t('participation.choice.ABSTAIN')}</dt>
            <dd>{n(tally.abstain)}</dd>
          </div>
          <div>
            <dt>{t('participation.eligible')}</dt>
            <dd>{n(tally.eligible)}</dd>
          </div>
        </dl>
        <p>
          {tally.quorumReached ? t('participation.quorumReached') : t('participation.quorumMissed')} ·{' '}
          {final
            ? t(`participation.outcome.${status === 'ACCEPTED' ? 'ACCEPTED' : 'REJECTED'}`)
            : tally.accepted
              ? t('participation.wouldPass')
              : t('participation.wouldFail')}
        </p>
        <p className="field-description" data-testid="quorum-trace">
          {t('participation.quorumTrace', { cast: n(cast), eligible: n(tally.eligible), needed: n(tally.quorumVotes) })}
        </p>
      </div>
      {tally.bySector.length > 0 && (
        <table className="tally-table reflow-table" data-testid="tally-by-sector">
          <caption>
            {t('participation.bySector')}
            {rule.sectorMajority && <> – {t('participation.sectorMajorityRule')}</>}
          </caption>
          <thead>
            <tr>
              <th scope="col">{t('participation.sectorColumn')}</th>
              {choices.map((c) => (
                <th scope="col" key={c}>
                  {c}
                </th>
              ))}
              {rule.sectorMajority && <th scope="col">{t('participation.majorityColumn')}</th>}
            </tr>
          </thead>
          <tbody>
            {tally.bySector.map((s) => (
              <tr key={s.sector}>
                <th scope="row">{t(`sector.${s.sector}`)}</th>
                <td className="num" data-label={choices[0]}>
                  {n(s.yes)}
                </td>
                <td className="num" data-label={choices[1]}>
                  {n(s.no)}
                </td>
                <td className="num" data-label={choices[2]}>
                  {n(s.abstain)}
                </td>
                {rule.sectorMajority && (
                  <td data-label={t('participation.majorityColumn')}>
                    {s.yes + s.no === 0
                      ? t('participation.majorityNotCounted')
                      : s.majority
                        ? t('participation.majorityYes')
                        : t('participation.majorityNo')}
                  </td>
                )}
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {tally.byOrganization.length > 0 && (
        <table className="tally-table reflow-table" data-testid="tally-by-organization">
          <caption>{t('participation.byOrganization')}</caption>
          <thead>
            <tr>
              <th scope="col">{t('participation.organizationColumn')}</th>
              <th scope="col">{t('participation.sectorColumn')}</th>
              {choices.map((c) => (
                <th scope="col" key={c}>
                  {c}
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {tally.byOrganization.map((o, i) => (
              <tr key={o.organization?.id ?? i}>
                <th scope="row">{o.organization?.name ?? t('participation.formerOrganization')}</th>
                <td data-label={t('participation.sectorColumn')}>{o.sector ? t(`sector.${o.sector}`) : '–'}</td>
                <td className="num" data-label={choices[0]}>
                  {n(o.yes)}
                </td>
                <td className="num" data-label={choices[1]}>
                  {n(o.no)}
                </td>
                <td className="num" data-label={choices[2]}>
                  {n(o.abstain)}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </div>
  );
}
