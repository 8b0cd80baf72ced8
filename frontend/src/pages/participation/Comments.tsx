import { useEffect, useMemo, useRef, useState, type FormEvent, type RefObject } from 'react';
import { Button, Form } from 'react-aria-components';
import { useTranslation } from 'react-i18next';
import { ErrorMessage } from '../../components/ErrorMessage';
import { RadioField, TextInput } from '../../components/fields';
import { TextArea } from '../../components/TextArea';
import { useErrorText } from '../../lib/errors';
import { formText } from '../../lib/form';
import { formatDateTime } from '../../lib/format';
import { useMutation } from '../../lib/hooks';
import { useUser } from '../../session/context';
import type { CommentPartsFragment, Stance } from '../../gql/graphql';
import { Expander } from '../../components/Expander';
import { AddCommentMutation, EditCommentMutation, HideCommentMutation } from './operations';

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
            <CommentView comment={c} canModerate={canModerate} onChange={onChange} level={formLevel} />
            {c.replies.length > 0 && (
              <ul className="comment-list" aria-label={t('participation.repliesTo', { name: c.author?.name ?? '' })}>
                {c.replies.map((r) => (
                  <li key={r.id}>
                    <CommentView comment={r} canModerate={canModerate} onChange={onChange} level={formLevel} />
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
  level,
}: {
  comment: CommentPartsFragment;
  canModerate: boolean;
  onChange: () => void;
  level: 3 | 5;
}) {
  const { t, i18n } = useTranslation();
  const user = useUser();
  const own = c.author?.id === user.id;
  return (
    <article className="comment card" id={`comment-${c.id}`} tabIndex={-1}>
      <p className="field-description">
        <strong>{c.author?.name ?? t('participation.formerParticipant')}</strong> ·{' '}
        {formatDateTime(c.createdAt, i18n.language)} · <span className="status-badge">{t(`participation.stance.${c.stance}`)}</span>
        {c.version > 1 && (
          <> · {t('commentEdit.edited', { date: formatDateTime(c.updatedAt, i18n.language) })}</>
        )}
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
      {own && !c.hidden && c.body != null && (
        <EditForm commentId={c.id} body={c.body} version={c.version} level={level} onDone={onChange} />
      )}
      {c.versions.length > 1 && <History versions={c.versions} level={level} />}
      {canModerate && !c.hidden && <HideForm commentId={c.id} onDone={onChange} level={level} />}
    </article>
  );
}

function EditForm({
  commentId,
  body,
  version,
  level,
  onDone,
}: {
  commentId: string;
  body: string;
  version: number;
  level: 3 | 5;
  onDone: () => void;
}) {
  const { t } = useTranslation();
  const edit = useMutation(EditCommentMutation);
  const { fieldErrors } = useErrorText();
  const [open, setOpen] = useState(false);
  const mapping = { fields: ['body'] };
  async function onSubmit(e: FormEvent<HTMLFormElement>) {
    e.preventDefault();
    const r = await edit.run({
      commentId,
      body: formText(new FormData(e.currentTarget), 'body').trim(),
      expectedVersion: version,
    });
    if (r) {
      setOpen(false);
      onDone();
    }
  }
  return (
    <Expander title={t('commentEdit.edit')} level={level} lazy isExpanded={open} onExpandedChange={setOpen}>
      <ErrorMessage error={edit.error} mapping={mapping} />
      <Form className="form" onSubmit={(e) => void onSubmit(e)} validationErrors={fieldErrors(edit.error, mapping)}>
        <TextArea
          key={version}
          name="body"
          label={t('commentEdit.body')}
          description={t('participation.markdownHint')}
          defaultValue={body}
          isRequired
          // A server error stays until the text changes; then the form may be sent again.
          onChange={() => {
            if (edit.error) edit.reset();
          }}
        />
        <Button type="submit" className="btn" isPending={edit.pending}>
          {t('commentEdit.save')}
        </Button>
      </Form>
    </Expander>
  );
}

function History({ versions, level }: { versions: CommentPartsFragment['versions']; level: 3 | 5 }) {
  const { t, i18n } = useTranslation();
  return (
    <Expander title={t('commentEdit.history', { count: versions.length })} level={level} lazy>
      <ol className="comment-versions">
        {[...versions].reverse().map((v) => (
          <li key={v.version}>
            <p className="field-description">
              {t('commentEdit.versionN', { n: v.version })} · {formatDateTime(v.createdAt, i18n.language)}
            </p>
            <p className="comment-version-body">{v.body}</p>
          </li>
        ))}
      </ol>
    </Expander>
  );
}

function HideForm({ commentId, onDone, level }: { commentId: string; onDone: () => void; level: 3 | 5 }) {
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
    <Expander title={t('participation.hide')} level={level}>
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

/** The text selected inside a `[data-quotable]` element of the same card (or page), if any. */
function useQuotableSelection(anchor: RefObject<HTMLElement | null>): string {
  const [selected, setSelected] = useState('');
  useEffect(() => {
    function update() {
      const sel = document.getSelection();
      const text = sel && sel.rangeCount > 0 ? quotedText(sel.getRangeAt(0)) : '';
      const node = sel?.anchorNode;
      const el = node instanceof Element ? node : node?.parentElement;
      const source = el?.closest('[data-quotable]');
      const scope = anchor.current?.closest('article.card') ?? document.querySelector('main');
      // Keep the last selection when it is cleared (e.g. by pressing the button), so that the
      // button still knows what was meant; replace it only by another selection in the text.
      if (text && source && scope?.contains(source)) setSelected(text);
    }
    document.addEventListener('selectionchange', update);
    return () => document.removeEventListener('selectionchange', update);
  }, [anchor]);
  return selected;
}

/**
 * The selected words as the text reads: without words a diff shows as deleted, nor the
 * diff's hidden "inserted:" markers for screen readers.
 */
function quotedText(range: Range): string {
  const part = range.cloneContents();
  part.querySelectorAll('del, .visually-hidden').forEach((d) => d.remove());
  return (part.textContent ?? '').trim();
}

function CommentForm({ targetId, parentId, onDone }: { targetId: string; parentId?: string; onDone: () => void }) {
  const { t } = useTranslation();
  const add = useMutation(AddCommentMutation);
  const { fieldErrors } = useErrorText();
  const ref = useRef<HTMLFormElement>(null);
  const [anchorText, setAnchorText] = useState('');
  const selected = useQuotableSelection(ref);
  const validationErrors = useMemo(() => fieldErrors(add.error, COMMENT_FIELDS), [fieldErrors, add.error]);
  // React Aria clears a field's server error only when the field loses focus; when that is the
  // press on "Kommentar senden", the message vanishes under the pointer, the button moves up and
  // the click lands beside it. Dropping the error as soon as the text changes avoids that.
  const clearError = () => {
    if (add.error) add.reset();
  };
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
      setAnchorText('');
      onDone();
    }
  }
  return (
    <>
      <ErrorMessage error={add.error} mapping={COMMENT_FIELDS} />
      <Form
        ref={ref}
        className="form"
        onSubmit={(e) => void onSubmit(e)}
        validationErrors={validationErrors}
      >
        <TextArea
          name="body"
          label={parentId ? t('participation.replyText') : t('participation.commentText')}
          description={t('participation.markdownHint')}
          isRequired
          onChange={clearError}
        />
        <RadioField
          name="stance"
          label={t('participation.stanceLabel')}
          defaultValue="NEUTRAL"
          options={STANCES.map((s) => ({ id: s, label: t(`participation.stance.${s}`) }))}
          onChange={clearError}
        />
        {!parentId && (
          <div className="quote-field">
            <TextInput
              name="anchor"
              label={t('participation.anchor')}
              description={t('participation.anchorHint')}
              value={anchorText}
              onChange={(v) => {
                setAnchorText(v);
                clearError();
              }}
            />
            <Button
              className="btn btn-secondary btn-small"
              isDisabled={!selected}
              onPress={() => {
                setAnchorText(selected);
                clearError();
              }}
            >
              {t('participation.quoteSelection')}
            </Button>
          </div>
        )}
        <Button type="submit" className="btn" isPending={add.pending}>
          {parentId ? t('participation.replySubmit') : t('participation.commentSubmit')}
        </Button>
      </Form>
    </>
  );
}
