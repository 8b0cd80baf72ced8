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
import { useMutation } from '../../lib/hooks';
import type { ProcessViewQuery, TallyPartsFragment, VoteChoice } from '../../gql/graphql';
import { wordDiff } from '../../lib/diff';
import { Expander } from '../../components/Expander';
import { DiffLegend, WordDiff } from '../../components/WordDiff';
import { CommentThread } from './Comments';
import { CastVoteMutation, UpdateProposalMutation, WithdrawProposalMutation } from './operations';
import { useLiveTally } from './useLiveTally';

export type ProposalData = NonNullable<ProcessViewQuery['process']>['proposals'][number];
const CHOICES: VoteChoice[] = ['YES', 'NO', 'ABSTAIN'];
const PROPOSAL_FIELDS = { fields: ['title', 'text', 'rationale'] };

export function ProposalCard({
  proposal: p,
  userId,
  coordinator,
  votingOpen,
  canVote,
  commentingOpen,
  onChange,
}: {
  proposal: ProposalData;
  userId: string;
  coordinator: boolean;
  votingOpen: boolean;
  canVote: boolean;
  commentingOpen: boolean;
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
      <h3 id={headingId}>{p.title}</h3>
      <p className="field-description">
        {t(`participation.kind.${p.kind}`)}
        {target && <> – {target}</>} · {p.author?.name ?? t('participation.formerParticipant')}
        {p.authorOrganization && <> ({p.authorOrganization.name})</>} · {formatDateTime(p.createdAt, i18n.language)}
      </p>
      {isAmendment && p.currentText != null ? (
        <div className="side-by-side">
          <div>
            <h4>{t('participation.currentText')}</h4>
            <p>
              <strong>{p.currentTitle}</strong>
            </p>
            <p>{p.currentText}</p>
          </div>
          <div>
            <h4>{t('participation.proposedChanges')}</h4>
            <WordDiff segments={wordDiff(p.currentTitle ?? '', p.title)} label={t('participation.titleChanges')} />
            <WordDiff segments={wordDiff(p.currentText, p.text)} label={t('participation.textChanges')} />
            <DiffLegend />
          </div>
        </div>
      ) : (
        p.text && <p>{p.text}</p>
      )}
      {p.rationale && (
        <p>
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
  onChange,
}: {
  proposal: ProposalData;
  votingOpen: boolean;
  canVote: boolean;
  coordinator: boolean;
  onChange: () => void;
}) {
  const { t } = useTranslation();
  const open = votingOpen && p.status === 'IN_VOTE';
  const tally = useLiveTally(p.id, p.tally, open && coordinator);
  const vote = useMutation(CastVoteMutation);
  const [choice, setChoice] = useState<string>(p.myVote?.choice ?? 'YES');
  async function onSubmit(e: FormEvent<HTMLFormElement>) {
    e.preventDefault();
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
              onChange={setChoice}
              options={CHOICES.map((c) => ({ id: c, label: t(`participation.choice.${c}`) }))}
            />
            <Button type="submit" className="btn" isPending={vote.pending}>
              {p.myVote ? t('participation.changeVote') : t('participation.castVote')}
            </Button>
          </Form>
        </>
      )}
      {tally ? (
        <TallyView tally={tally} final={!open} status={p.status} />
      ) : (
        open && <p>{t('participation.tallyHidden')}</p>
      )}
    </section>
  );
}

function TallyView({ tally, final, status }: { tally: TallyPartsFragment; final: boolean; status: string }) {
  const { t, i18n } = useTranslation();
  const n = (v: number) => formatNumber(v, i18n.language);
  return (
    <div aria-live="polite" aria-atomic="true" className="tally-box">
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
    </div>
  );
}
