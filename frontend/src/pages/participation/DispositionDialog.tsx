import { useState, type FormEvent } from 'react';
import { Button, Dialog, DialogTrigger, Form, Heading, Modal, ModalOverlay } from 'react-aria-components';
import { useTranslation } from 'react-i18next';
import { ErrorMessage } from '../../components/ErrorMessage';
import { RadioField, TextInput } from '../../components/fields';
import { TextArea } from '../../components/TextArea';
import type { DispositionDecision } from '../../gql/graphql';
import { useErrorText } from '../../lib/errors';
import { formText } from '../../lib/form';
import { useMutation } from '../../lib/hooks';
import { SetDispositionMutation } from './operations';

export const DECISIONS: DispositionDecision[] = ['TAKEN_UP', 'PARTLY_TAKEN_UP', 'NOT_TAKEN_UP', 'NOTED'];
const MAPPING = { fields: ['reason', 'link', 'decision', 'subjectId'] };

/**
 * The coordinators' Abwägung of one proposal or comment: a button that opens a modal form with
 * the decision, its reason and an optional link to the change it caused.
 */
export function DispositionDialog({
  subjectId,
  subjectLabel,
  current,
  onDone,
}: {
  subjectId: string;
  /** Names the contribution in the button's accessible name and the dialog's heading. */
  subjectLabel: string;
  current?: { decision: DispositionDecision; reason: string; link?: string | null } | null;
  onDone: () => void;
}) {
  const { t } = useTranslation();
  const [open, setOpen] = useState(false);
  const set = useMutation(SetDispositionMutation);
  const { fieldErrors } = useErrorText();
  // A server error stays at its field until the input changes; then the form may be sent again.
  const clearError = () => {
    if (set.error) set.reset();
  };

  async function onSubmit(e: FormEvent<HTMLFormElement>) {
    e.preventDefault();
    const f = new FormData(e.currentTarget);
    const decision = formText(f, 'decision');
    const link = formText(f, 'link').trim();
    const r = await set.run({
      input: {
        subjectId,
        decision: (DECISIONS as string[]).includes(decision) ? (decision as DispositionDecision) : 'NOTED',
        reason: formText(f, 'reason').trim(),
        link: link || null,
      },
    });
    if (r) {
      setOpen(false);
      onDone();
    }
  }

  return (
    <DialogTrigger
      isOpen={open}
      onOpenChange={(o) => {
        setOpen(o);
        if (!o) set.reset();
      }}
    >
      <Button className="btn btn-secondary btn-small" aria-label={t(current ? 'disposition.changeFor' : 'disposition.setFor', { subject: subjectLabel })}>
        {current ? t('disposition.change') : t('disposition.set')}
      </Button>
      <ModalOverlay className="modal-overlay" isDismissable>
        <Modal className="modal">
          <Dialog className="dialog">
            {({ close }) => (
              <>
                <Heading slot="title">{t('disposition.title')}</Heading>
                <p className="dialog-body disposition-subject">{subjectLabel}</p>
                <ErrorMessage error={set.error} mapping={MAPPING} />
                <Form
                  className="form"
                  onSubmit={(e) => void onSubmit(e)}
                  validationErrors={fieldErrors(set.error, MAPPING)}
                >
                  <RadioField
                    name="decision"
                    label={t('disposition.decision')}
                    defaultValue={current?.decision ?? 'TAKEN_UP'}
                    options={DECISIONS.map((d) => ({ id: d, label: t(`participation.decision.${d}`) }))}
                    isRequired
                  />
                  <TextArea
                    name="reason"
                    label={t('disposition.reason')}
                    defaultValue={current?.reason ?? ''}
                    rows={3}
                    isRequired
                    onChange={clearError}
                  />
                  <TextInput
                    name="link"
                    label={t('disposition.link')}
                    description={t('disposition.linkHint')}
                    defaultValue={current?.link ?? ''}
                    onChange={clearError}
                  />
                  <div className="dialog-actions">
                    <Button className="btn btn-secondary" onPress={close}>
                      {t('common.cancel')}
                    </Button>
                    <Button type="submit" className="btn" isPending={set.pending}>
                      {t('disposition.save')}
                    </Button>
                  </div>
                </Form>
              </>
            )}
          </Dialog>
        </Modal>
      </ModalOverlay>
    </DialogTrigger>
  );
}
