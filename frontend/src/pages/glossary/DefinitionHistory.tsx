import { useState } from 'react';
import { Button, Disclosure, DisclosurePanel, Heading } from 'react-aria-components';
import { useTranslation } from 'react-i18next';
import { QueryView } from '../../components/QueryView';
import { WordDiff } from '../../components/WordDiff';
import { formatDateTime } from '../../lib/format';
import { useQuery } from '../../lib/hooks';
import { DefinitionDiffQuery } from './operations';
import type { Def } from './termTypes';

/** The versions of a definition, each comparable with the current one as a word diff. */
export function DefinitionHistory({ def }: { def: Def }) {
  const { t, i18n } = useTranslation();
  const [from, setFrom] = useState<number | null>(null);
  return (
    <Disclosure className="sub-disclosure">
      <Heading level={4}>
        <Button slot="trigger" className="btn btn-quiet-link">
          {t('glossary.history', { count: def.versions.length })}
        </Button>
      </Heading>
      <DisclosurePanel>
        <ol className="version-list">
          {def.versions.map((v) => (
            <li key={v.version}>
              {t('glossary.versionN', { n: v.version })} – {v.author?.name ?? t('glossary.formerParticipant')},{' '}
              {formatDateTime(v.updatedAt, i18n.language)}
              {v.version < def.version && (
                <>
                  {' '}
                  <Button className="btn btn-small btn-secondary" onPress={() => setFrom(v.version)}>
                    {t('glossary.compare', { n: v.version })}
                  </Button>
                </>
              )}
            </li>
          ))}
        </ol>
        {from !== null && <Diff id={def.id} from={from} to={def.version} />}
      </DisclosurePanel>
    </Disclosure>
  );
}

function Diff({ id, from, to }: { id: string; from: number; to: number }) {
  const { t } = useTranslation();
  const diff = useQuery(DefinitionDiffQuery, { id, from, to });
  return (
    <div className="diff-box" aria-live="polite">
      <p className="muted">{t('glossary.diffLegend', { from, to })}</p>
      <QueryView query={diff} select={(d) => d.definition}>
        {(definition) => <WordDiff segments={definition.diff} />}
      </QueryView>
    </div>
  );
}
