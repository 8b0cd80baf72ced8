import { useRef, useState, type FormEvent } from 'react';
import { Button, Disclosure, DisclosurePanel, Form, Heading } from 'react-aria-components';
import { useTranslation } from 'react-i18next';
import { ErrorMessage } from '../../components/ErrorMessage';
import { TextArea } from '../../components/TextArea';
import { request, RequestError } from '../../lib/client';
import { useErrorText } from '../../lib/errors';
import { formText } from '../../lib/form';
import { useMutation } from '../../lib/hooks';
import { useUser } from '../../session/context';
import { WithdrawReview } from './GlossaryAdmin';
import { ReviewDefinitionMutation, UpdateDefinitionMutation } from './operations';
import type { Def } from './termTypes';

/** Approving or objecting to a definition (its author may not approve it). */
export function ReviewActions({ def, onChanged }: { def: Def; onChanged: () => void }) {
  const { t } = useTranslation();
  const user = useUser();
  const review = useMutation(ReviewDefinitionMutation);
  const { fieldErrors } = useErrorText();
  const [done, setDone] = useState<string | null>(null);
  const formRef = useRef<HTMLFormElement>(null);
  const isAuthor = def.author?.id === user.id;
  const mapping = { fields: ['reason'] };

  async function approve() {
    setDone(null);
    if (await review.run({ definitionId: def.id, decision: 'APPROVE', reason: null })) {
      setDone(t('glossary.approved'));
      onChanged();
    }
  }
  async function object(e: FormEvent<HTMLFormElement>) {
    e.preventDefault();
    setDone(null);
    const reason = formText(new FormData(e.currentTarget), 'reason').trim();
    if (await review.run({ definitionId: def.id, decision: 'OBJECT', reason })) {
      setDone(t('glossary.objected'));
      formRef.current?.reset();
      onChanged();
    }
  }

  return (
    <section aria-label={t('glossary.reviewActions')} className="review-actions">
      <h4>{t('glossary.reviewActions')}</h4>
      <ErrorMessage error={review.error} mapping={mapping} />
      {done && (
        <p role="status" className="alert alert-success">
          {done}
        </p>
      )}
      <Button
        className="btn"
        onPress={() => void approve()}
        isDisabled={isAuthor}
        isPending={review.pending}
        aria-describedby={isAuthor ? `author-note-${def.id}` : undefined}
      >
        {t('glossary.approve')}
      </Button>
      {isAuthor && (
        <p id={`author-note-${def.id}`} className="field-description">
          {t('glossary.authorCannotApprove')}
        </p>
      )}
      <WithdrawReview
        definitionId={def.id}
        hasReview={def.reviews.some((r) => r.reviewer?.id === user.id)}
        onChanged={onChanged}
      />
      <Form
        ref={formRef}
        className="form"
        onSubmit={(e) => void object(e)}
        validationErrors={fieldErrors(review.error, mapping)}
      >
        <TextArea name="reason" label={t('glossary.objectReason')} isRequired rows={2} />
        <Button type="submit" className="btn btn-secondary" isPending={review.pending}>
          {t('glossary.object')}
        </Button>
      </Form>
    </section>
  );
}

/**
 * Editing a definition's text against the version it was loaded at: when someone else saved in
 * between, the newer text is shown and the edit continues only on request.
 */
export function EditDefinition({ def, onChanged }: { def: Def; onChanged: () => void }) {
  const { t } = useTranslation();
  const [text, setText] = useState(def.text);
  const [base, setBase] = useState(def.version);
  const [error, setError] = useState<unknown>(undefined);
  const [pending, setPending] = useState(false);
  const [conflict, setConflict] = useState(false);
  const [saved, setSaved] = useState(false);

  async function save() {
    setSaved(false);
    setConflict(false);
    setError(undefined);
    setPending(true);
    try {
      const r = await request(UpdateDefinitionMutation, { definitionId: def.id, text, expectedVersion: base });
      setBase(r.updateDefinition.version);
      setSaved(true);
      onChanged();
    } catch (e) {
      if (e instanceof RequestError && e.hasCode('CONFLICT')) {
        setConflict(true);
        onChanged();
      } else {
        setError(e);
      }
    } finally {
      setPending(false);
    }
  }
  const stale = conflict && def.version !== base;

  return (
    <Disclosure className="sub-disclosure">
      <Heading level={4}>
        <Button slot="trigger" className="btn btn-quiet-link">
          {t('glossary.edit')}
        </Button>
      </Heading>
      <DisclosurePanel>
        {stale ? (
          <div role="alert" className="alert alert-error">
            <p>{t('glossary.conflict', { version: def.version })}</p>
            <blockquote className="definition-text">{def.text}</blockquote>
            <Button
              className="btn btn-secondary"
              onPress={() => {
                setBase(def.version);
                setConflict(false);
              }}
            >
              {t('glossary.conflictContinue')}
            </Button>
          </div>
        ) : (
          <ErrorMessage error={error} />
        )}
        {saved && (
          <p role="status" className="alert alert-success">
            {t('glossary.saved')}
          </p>
        )}
        <TextArea name="text" label={t('glossary.definitionText')} value={text} onChange={setText} isRequired />
        <Button className="btn" onPress={() => void save()} isPending={pending} isDisabled={stale}>
          {t('glossary.saveDefinition')}
        </Button>
      </DisclosurePanel>
    </Disclosure>
  );
}
