import { useState, type ReactNode } from 'react';
import { Button, Disclosure, DisclosurePanel, Heading } from 'react-aria-components';

interface Props {
  title: string;
  /** The trigger's heading level, so that the outline stays valid where the section sits. */
  level?: 2 | 3 | 4 | 5;
  /**
   * Render the content only while open (e.g. an edit form that would otherwise put a second copy
   * of a text into the page, or reset when closed).
   */
  lazy?: boolean;
  /** Controlled open state, for a form that closes itself after saving. */
  isExpanded?: boolean;
  onExpandedChange?: (open: boolean) => void;
  children: ReactNode;
}

/** A collapsible section holding a form, so that the content below it stays in view. */
export function Expander({ title, level = 2, lazy = false, isExpanded, onExpandedChange, children }: Props) {
  const [ownOpen, setOwnOpen] = useState(false);
  const open = isExpanded ?? ownOpen;
  function setOpen(next: boolean) {
    setOwnOpen(next);
    onExpandedChange?.(next);
  }
  return (
    <Disclosure className="create-section no-print" isExpanded={open} onExpandedChange={setOpen}>
      <Heading level={level} className="create-heading">
        <Button slot="trigger" className="btn btn-secondary create-trigger">
          <span aria-hidden="true" className="create-chevron">
            ▸
          </span>
          {title}
        </Button>
      </Heading>
      <DisclosurePanel className="create-panel">{lazy && !open ? null : children}</DisclosurePanel>
    </Disclosure>
  );
}
