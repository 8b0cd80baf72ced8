import { useEffect, useState } from 'react';
import { Button } from 'react-aria-components';
import { useTranslation } from 'react-i18next';
import { ConfirmDialog } from '../../components/ConfirmDialog';
import { ErrorMessage } from '../../components/ErrorMessage';
import { TextInput } from '../../components/fields';
import { useMutation } from '../../lib/hooks';
import { AdoptLeitbildMutation, ReorderFieldsMutation } from './operations';

/** Adopts a draft edition that no process runs on, after a confirmation with the resolution. */
export function AdoptEdition({
  leitbildId,
  title,
  onDone,
}: {
  leitbildId: string;
  title: string;
  onDone: () => void;
}) {
  const { t } = useTranslation();
  const adopt = useMutation(AdoptLeitbildMutation);
  const [open, setOpen] = useState(false);
  const [reference, setReference] = useState('');
  return (
    <div className="inline-actions no-print">
      <Button className="btn" onPress={() => setOpen(true)}>
        {t('leitbildAdmin.adopt')}
      </Button>
      <ConfirmDialog
        isOpen={open}
        title={t('leitbildAdmin.adoptTitle')}
        confirmLabel={t('leitbildAdmin.adoptConfirm')}
        pending={adopt.pending}
        onCancel={() => {
          setOpen(false);
          adopt.reset();
        }}
        onConfirm={() =>
          void adopt
            .run({ leitbildId, resolutionReference: reference.trim() || null })
            .then((r) => {
              if (r) {
                setOpen(false);
                onDone();
              }
            })
        }
      >
        <p>{t('leitbildAdmin.adoptText', { title })}</p>
        <ErrorMessage error={adopt.error} />
        <TextInput
          label={t('leitbildAdmin.resolutionReference')}
          description={t('leitbildAdmin.resolutionHint')}
          value={reference}
          onChange={setReference}
        />
      </ConfirmDialog>
    </div>
  );
}

/**
 * Move up / move down buttons for the fields of action of a draft: keyboard usable, announced in
 * a live region, focus kept on the moved field's button.
 */
export function useReorder(leitbildId: string, ids: string[], onDone: () => void) {
  const reorder = useMutation(ReorderFieldsMutation);
  const [announce, setAnnounce] = useState('');
  const [focus, setFocus] = useState<{ id: string; dir: 'up' | 'down' } | null>(null);
  const order = ids.join(',');

  useEffect(() => {
    if (!focus) return;
    const wanted = document.getElementById(`move-${focus.dir}-${focus.id}`);
    const other = document.getElementById(`move-${focus.dir === 'up' ? 'down' : 'up'}-${focus.id}`);
    const target = wanted && !wanted.hasAttribute('disabled') ? wanted : other;
    target?.focus();
  }, [order, focus]);

  async function move(id: string, dir: 'up' | 'down', message: (position: number) => string) {
    const i = ids.indexOf(id);
    const j = dir === 'up' ? i - 1 : i + 1;
    if (i < 0 || j < 0 || j >= ids.length) return;
    const next = [...ids];
    next[i] = ids[j] ?? id;
    next[j] = id;
    const r = await reorder.run({ leitbildId, fieldOfActionIds: next });
    if (r) {
      setFocus({ id, dir });
      setAnnounce(message(j + 1));
      onDone();
    }
  }
  return { move, announce, error: reorder.error, pending: reorder.pending };
}

export function MoveButtons({
  id,
  title,
  index,
  count,
  pending,
  onMove,
}: {
  id: string;
  title: string;
  index: number;
  count: number;
  pending: boolean;
  onMove: (dir: 'up' | 'down') => void;
}) {
  const { t } = useTranslation();
  return (
    <span className="move-buttons no-print">
      <Button
        id={`move-up-${id}`}
        className="btn btn-secondary btn-small"
        isDisabled={index === 0 || pending}
        onPress={() => onMove('up')}
        aria-label={t('leitbildAdmin.moveUp', { title })}
      >
        <span aria-hidden="true">↑</span> {t('leitbildAdmin.up')}
      </Button>
      <Button
        id={`move-down-${id}`}
        className="btn btn-secondary btn-small"
        isDisabled={index === count - 1 || pending}
        onPress={() => onMove('down')}
        aria-label={t('leitbildAdmin.moveDown', { title })}
      >
        <span aria-hidden="true">↓</span> {t('leitbildAdmin.down')}
      </Button>
    </span>
  );
}

