import type { ReactNode } from 'react';
import { Button, Disclosure, DisclosurePanel, Heading } from 'react-aria-components';

/** A collapsible form section whose heading sits at the given level (keeps the outline valid). */
export function Expander({ title, level, children }: { title: string; level: 2 | 3 | 4 | 5; children: ReactNode }) {
  return (
    <Disclosure className="create-section no-print">
      <Heading level={level} className="create-heading">
        <Button slot="trigger" className="btn btn-secondary create-trigger">
          <span aria-hidden="true" className="create-chevron">
            ▸
          </span>
          {title}
        </Button>
      </Heading>
      <DisclosurePanel className="create-panel">{children}</DisclosurePanel>
    </Disclosure>
  );
}
