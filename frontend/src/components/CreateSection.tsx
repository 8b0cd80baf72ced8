import type { ReactNode } from 'react';
import { Button, Disclosure, DisclosurePanel, Heading } from 'react-aria-components';

/** A collapsible section holding a create form, so that the list below stays in view. */
export function CreateSection({ title, children }: { title: string; children: ReactNode }) {
  return (
    <Disclosure className="create-section">
      <Heading level={2} className="create-heading">
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
