import { useRef, type FormEvent } from 'react';
import { Button, Form } from 'react-aria-components';
import { useTranslation } from 'react-i18next';
import { ErrorMessage } from '../../components/ErrorMessage';
import { RadioField, TextInput } from '../../components/fields';
import { useErrorText } from '../../lib/errors';
import { formText } from '../../lib/form';
import { formatDateTime } from '../../lib/format';
import { useMutation } from '../../lib/hooks';
import type { CommentPartsFragment, Stance } from '../../gql/graphql';
import { Expander } from '../leitbild/Expander';
import { TextAreaInput } from '../leitbild/TextArea';
import { AddCommentMutation, HideCommentMutation } from './operations';

export type ThreadComment = CommentPartsFragment & { replies: CommentPartsFragment[] };

const STANCES: Stance[] = ['SUPPORT', 'OPPOSE', 'NEUTRAL'];
const COMMENT_FIELDS = { fields: ['body', 'stance', 'anchor'] };

export function CommentThread({
  targetId,
  comments,
  total,
  canModerate,
  canComment,
  onChange,
  headingLevel = 4,
}: {
  targetId: string;
  comments: ThreadComment[];
  total: number;
  canModerate: boolean;
  canComment: boolean;
  onChange: () => void;
  /** The level of the section's heading; the forms' headings sit one level deeper. */
  headingLevel?: 2 | 4;
}) {
  const { t } = useTranslation();
  const H = headingLevel === 2 ? 'h2' : 'h4';
  const formLevel = headingLevel === 2 ? 3 : 5;
  return (
    <section aria-label={t('participation.commentsOn')}>
      <H>{t('participation.comments', { count: total })}</H>
      {comments.length === 0 && <p>{t('participation.noComments')}</p>}
      <ul className="comment-list">
        {comments.map((c) => (
          <li key={c.id}>
            <CommentView comment={c} canModerate={canModerate} onChange={onChange} />
            {c.replies.length > 0 && (
              <ul className="comment-list" aria-label={t('participation.repliesTo', { name: c.author?.name ?? '' })}>
                {c.replies.map((r) => (
                  <li key={r.id}>
                    <CommentView comment={r} canModerate={canModerate} onChange={onChange} />
                  </li>
                ))}
              </ul>
            )}
            {canComment && !c.hidden && (
              <Expander title={t('participation.reply')} level={formLevel}>
                <CommentForm targetId={targetId} parentId={c.id} onDone={onChange} />
              </Expander>
            )}
          </li>
        ))}
      </ul>
      {canComment && (
        <Expander title={t('participation.addComment')} level={formLevel}>
          <CommentForm targetId={targetId} onDone={onChange} />
        </Expander>
      )}
    </section>
  );
}

function CommentView({
  comment: c,
  canModerate,
  onChange,
}: {
  comment: CommentPartsFragment;
  canModerate: boolean;
  onChange: () => void;
}) {
  const { t, i18n } = useTranslation();
  return (
    <article className="comment card">
      <p className="field-description">
        <strong>{c.author?.name ?? t('participation.formerParticipant')}</strong> ·{' '}
        {formatDateTime(c.createdAt, i18n.language)} · <span className="status-badge">{t(`participation.stance.${c.stance}`)}</span>
      </p>
      {c.hidden && (
        <p className="comment-hidden">
          {t('participation.hidden')}
          {c.hiddenReason && <>: {c.hiddenReason}</>}
        </p>
      )}
      {c.anchor && (
        <blockquote>
          <span className="visually-hidden">{t('participation.quoted')}: </span>„{c.anchor}“
        </blockquote>
      )}
      {/* bodyHtml is rendered from Markdown and sanitised by the server. */}
      {c.bodyHtml && <div dangerouslySetInnerHTML={{ __html: c.bodyHtml }} />}
      {canModerate && !c.hidden && <HideForm commentId={c.id} onDone={onChange} />}
    </article>
  );
}

function HideForm({ commentId, onDone }: { commentId: string; onDone: () => void }) {
  const { t } = useTranslation();
  const hide = useMutation(HideCommentMutation);
  const { fieldErrors } = useErrorText();
  const mapping = { fields: ['reason'] };
  async function onSubmit(e: FormEvent<HTMLFormElement>) {
    e.preventDefault();
    const r = await hide.run({ commentId, reason: formText(new FormData(e.currentTarget), 'reason').trim() });
    if (r) onDone();
  }
  return (
    <Expander title={t('participation.hide')} level={5}>
      <ErrorMessage error={hide.error} mapping={mapping} />
      <Form className="form" onSubmit={(e) => void onSubmit(e)} validationErrors={fieldErrors(hide.error, mapping)}>
        <TextInput name="reason" label={t('participation.hideReason')} isRequired />
        <Button type="submit" className="btn btn-danger" isPending={hide.pending}>
          {t('participation.hideSubmit')}
        </Button>
      </Form>
    </Expander>
  );
}

function CommentForm({ targetId, parentId, onDone }: { targetId: string; parentId?: string; onDone: () => void }) {
  const { t } = useTranslation();
  const add = useMutation(AddCommentMutation);
  const { fieldErrors } = useErrorText();
  const ref = useRef<HTMLFormElement>(null);
  async function onSubmit(e: FormEvent<HTMLFormElement>) {
    e.preventDefault();
    const f = new FormData(e.currentTarget);
    const stance = formText(f, 'stance');
    const anchor = formText(f, 'anchor').trim();
    const r = await add.run({
      input: {
        targetId,
        parentId: parentId ?? null,
        body: formText(f, 'body').trim(),
        stance: (STANCES as string[]).includes(stance) ? (stance as Stance) : 'NEUTRAL',
        anchor: anchor || null,
      },
    });
    if (r) {
      ref.current?.reset();
      onDone();
    }
  }
  return (
    <>
      <ErrorMessage error={add.error} mapping={COMMENT_FIELDS} />
      <Form ref={ref} className="form" onSubmit={(e) => void onSubmit(e)} validationErrors={fieldErrors(add.error, COMMENT_FIELDS)}>
        <TextAreaInput
          name="body"
          label={parentId ? t('participation.replyText') : t('participation.commentText')}
          description={t('participation.markdownHint')}
          isRequired
        />
        <RadioField
          name="stance"
          label={t('participation.stanceLabel')}
          defaultValue="NEUTRAL"
          options={STANCES.map((s) => ({ id: s, label: t(`participation.stance.${s}`) }))}
        />
        {!parentId && (
          <TextInput name="anchor" label={t('participation.anchor')} description={t('participation.anchorHint')} />
        )}
        <Button type="submit" className="btn" isPending={add.pending}>
          {parentId ? t('participation.replySubmit') : t('participation.commentSubmit')}
        </Button>
      </Form>
    </>
  );
}
