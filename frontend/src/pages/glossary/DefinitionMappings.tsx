import { useRef, useState, type FormEvent } from 'react';
import { Button, Disclosure, DisclosurePanel, Form, Heading } from 'react-aria-components';
import { useTranslation } from 'react-i18next';
import { ErrorMessage } from '../../components/ErrorMessage';
import { RadioField, SelectField, TextInput } from '../../components/fields';
import type { MappingKind } from '../../gql/graphql';
import { useErrorText } from '../../lib/errors';
import { formText } from '../../lib/form';
import { useMutation, useQuery } from '../../lib/hooks';
import { MapDefinitionMutation, MappingTargetsQuery } from './operations';
import type { Def } from './termTypes';

const KINDS: MappingKind[] = ['EXACT_MATCH', 'CLOSE_MATCH', 'BROADER_MATCH', 'NARROWER_MATCH'];
const URI = '__uri__';

/** Mapping a definition to another term's definition or an external concept (SKOS kinds). */
export function AddMapping({ def, onChanged }: { def: Def; onChanged: () => void }) {
  const { t } = useTranslation();
  const [open, setOpen] = useState(false);
  return (
    <Disclosure className="sub-disclosure" isExpanded={open} onExpandedChange={setOpen}>
      <Heading level={4}>
        <Button slot="trigger" className="btn btn-quiet-link">
          {t('glossary.addMapping')}
        </Button>
      </Heading>
      <DisclosurePanel>
        {open && <MappingForm def={def} onChanged={onChanged} />}
      </DisclosurePanel>
    </Disclosure>
  );
}

function MappingForm({ def, onChanged }: { def: Def; onChanged: () => void }) {
  const { t } = useTranslation();
  const targets = useQuery(MappingTargetsQuery);
  const map = useMutation(MapDefinitionMutation);
  const { fieldErrors } = useErrorText();
  const [done, setDone] = useState(false);
  const formRef = useRef<HTMLFormElement>(null);
  const mapping = { fields: ['targetDefinitionId', 'targetUri', 'kind', 'note'], conflictField: 'targetDefinitionId' };
  const options = (targets.data?.terms ?? []).flatMap((term) =>
    term.definitions
      .filter((d) => d.id !== def.id)
      .map((d, i) => ({
        id: d.id,
        label: `${term.label} ${i + 1}: ${d.text.length > 50 ? `${d.text.slice(0, 50)}…` : d.text}`,
      })),
  );

  async function onSubmit(e: FormEvent<HTMLFormElement>) {
    e.preventDefault();
    setDone(false);
    const f = new FormData(e.currentTarget);
    const target = formText(f, 'targetDefinitionId');
    const uri = formText(f, 'targetUri').trim();
    const kind = formText(f, 'kind');
    const r = await map.run({
      input: {
        definitionId: def.id,
        targetDefinitionId: target && target !== URI ? target : null,
        targetUri: !target || target === URI ? uri || null : null,
        kind: (KINDS as string[]).includes(kind) ? (kind as MappingKind) : 'CLOSE_MATCH',
        note: formText(f, 'note').trim() || null,
      },
    });
    if (r) {
      setDone(true);
      formRef.current?.reset();
      onChanged();
    }
  }
  return (
    <>
      <ErrorMessage error={targets.error} />
      <ErrorMessage error={map.error} mapping={mapping} />
      {done && (
        <p role="status" className="alert alert-success">
          {t('glossary.mappingSaved')}
        </p>
      )}
      <Form ref={formRef} className="form" onSubmit={(e) => void onSubmit(e)} validationErrors={fieldErrors(map.error, mapping)}>
        <RadioField
          name="kind"
          label={t('glossary.mappingKindLabel')}
          defaultValue="CLOSE_MATCH"
          options={KINDS.map((k) => ({ id: k, label: t(`glossary.mappingKind.${k}`) }))}
        />
        <SelectField
          name="targetDefinitionId"
          label={t('glossary.mappingTarget')}
          defaultValue={URI}
          options={[{ id: URI, label: t('glossary.mappingExternal') }, ...options]}
        />
        <TextInput name="targetUri" type="url" label={t('glossary.mappingUri')} />
        <TextInput name="note" label={t('glossary.mappingNote')} />
        <Button type="submit" className="btn btn-secondary" isPending={map.pending}>
          {t('glossary.mappingSubmit')}
        </Button>
      </Form>
    </>
  );
}
