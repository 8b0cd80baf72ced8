import { Button, Dialog, Heading, Modal, ModalOverlay } from 'react-aria-components';
import { useTranslation } from 'react-i18next';

/** A modal alert dialog that asks before a destructive action. */
export function ConfirmDialog({
  isOpen,
  title,
  children,
  confirmLabel,
  destructive,
  pending,
  onConfirm,
  onCancel,
}: {
  isOpen: boolean;
  title: string;
  children: React.ReactNode;
  confirmLabel: string;
  destructive?: boolean;
  pending?: boolean;
  onConfirm: () => void;
  onCancel: () => void;
}) {
  const { t } = useTranslation();
  return (
    <ModalOverlay
      className="modal-overlay"
      isOpen={isOpen}
      onOpenChange={(open) => {
        if (!open) onCancel();
      }}
      isDismissable
    >
      <Modal className="modal">
        <Dialog role="alertdialog" className="dialog">
          <Heading slot="title">{title}</Heading>
          <div className="dialog-body">{children}</div>
          <div className="dialog-actions">
            <Button className="btn btn-secondary" onPress={onCancel} autoFocus>
              {t('common.cancel')}
            </Button>
            <Button
              className={destructive ? 'btn btn-danger' : 'btn'}
              onPress={onConfirm}
              isPending={pending}
            >
              {confirmLabel}
            </Button>
          </div>
        </Dialog>
      </Modal>
    </ModalOverlay>
  );
}
