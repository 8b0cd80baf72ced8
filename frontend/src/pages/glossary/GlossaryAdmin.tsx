import { useState, type FormEvent } from 'react';
import { Button, Form, Label, ListBox, ListBoxItem, Popover, Select, SelectValue } from 'react-aria-components';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { ConfirmDialog } from '../../components/ConfirmDialog';
import { Expander } from '../../components/Expander';
import { ErrorMessage } from '../../components/ErrorMessage';
import { CheckboxField, RadioField, SelectField, TextInput } from '../../components/fields';
import type { RelationKind } from '../../gql/graphql';
import { useErrorText } from '../../lib/errors';
import { formText, formTexts } from '../../lib/form';
import { useMutation, useQuery } from '../../lib/hooks';
import { isSector, SECTORS } from '../../lib/labels';
import {
  DeprecateTermMutation,
  GlossaryMeQuery,
  RelateTermsMutation,
  SetAgreementRuleMutation,
  TermChoicesQuery,
  UnrelateTermsMutation,
  WithdrawReviewMutation,
} from './operations';

const KINDS: RelationKind[] = ['BROADER', 'NARROWER', 'RELATED'];
const NO_REPLACEMENT = '__none__';

interface TermRef {
  id: string;
  label: string;
}

/** The glossary's agreement rule, readable for everyone and editable by coordinators. */
export function AgreementRule({ editable }: { editable: boolean }) {
  const { t } = useTranslation();
  const q = useQuery(GlossaryMeQuery);
  const set = useMutation(SetAgreementRuleMutation);
  const { fieldErrors } = useErrorText();
  const [saved, setSaved] = useState(false);
  const [formKey, setFormKey] = useState(0);
  const rule = q.data?.glossary.agreementRule;
  const mapping = { fields: ['requiredSectors', 'minApprovalsPerSector'] };

  async function onSubmit(e: FormEvent<HTMLFormElement>) {
    e.preventDefault();
    setSaved(false);
    const f = new FormData(e.currentTarget);
    const n = Number.parseInt(formText(f, 'minApprovalsPerSector'), 10);
    const r = await set.run({
      requiredSectors: formTexts(f, 'requiredSectors').filter(isSector),
      minApprovalsPerSector: Number.isFinite(n) ? n : 0,
    });
    if (r) {
      setSaved(true);
      setFormKey((k) => k + 1);
      q.refetch();
    }
  }

  return (
    <section aria-labelledby="glossary-rule">
      <h2 id="glossary-rule">{t('glossaryAdmin.rule')}</h2>
      <ErrorMessage error={q.error} />
      {rule && (
        <p>
          {rule.requiredSectors.length > 0
            ? t('glossaryAdmin.ruleText', {
                count: rule.minApprovalsPerSector,
                sectors: rule.requiredSectors.map((s) => t(`sector.${s}`)).join(', '),
              })
            : t('glossaryAdmin.ruleNone', { count: rule.minApprovalsPerSector })}
        </p>
      )}
      {editable && rule && (
        <>
          {saved && (
            <p role="status" className="alert alert-success">
              {t('glossaryAdmin.ruleSaved')}
            </p>
          )}
          <ErrorMessage error={set.error} mapping={mapping} />
          <Form
            key={formKey}
            className="form"
            onSubmit={(e) => void onSubmit(e)}
            validationErrors={fieldErrors(set.error, mapping)}
          >
            <CheckboxField
              name="requiredSectors"
              label={t('glossaryAdmin.requiredSectors')}
              description={t('glossaryAdmin.requiredSectorsHint')}
              options={SECTORS.map((s) => ({ id: s, label: t(`sector.${s}`) }))}
              defaultValue={rule.requiredSectors}
            />
            <TextInput
              name="minApprovalsPerSector"
              type="number"
              inputMode="numeric"
              label={t('glossaryAdmin.minApprovals')}
              description={t('glossaryAdmin.minApprovalsHint')}
              defaultValue={String(rule.minApprovalsPerSector)}
              isRequired
              onChange={() => {
                if (set.error) set.reset();
              }}
            />
            <Button type="submit" className="btn" isPending={set.pending}>
              {t('glossaryAdmin.ruleSave')}
            </Button>
          </Form>
        </>
      )}
    </section>
  );
}

/** Lists the term's relations with a remove button each, and a form to add one. */
export function RelationsEditor({
  termId,
  broader,
  narrower,
  related,
  onChanged,
}: {
  termId: string;
  broader: TermRef[];
  narrower: TermRef[];
  related: TermRef[];
  onChanged: () => void;
}) {
  const { t } = useTranslation();
  const relate = useMutation(RelateTermsMutation);
  const unrelate = useMutation(UnrelateTermsMutation);
  const { fieldErrors } = useErrorText();
  const [message, setMessage] = useState('');
  const [formKey, setFormKey] = useState(0);
  const mapping = { fields: ['otherId', 'kind'] };
  const existing: [RelationKind, TermRef][] = [
    ...broader.map((x): [RelationKind, TermRef] => ['BROADER', x]),
    ...narrower.map((x): [RelationKind, TermRef] => ['NARROWER', x]),
    ...related.map((x): [RelationKind, TermRef] => ['RELATED', x]),
  ];

  async function remove(kind: RelationKind, other: TermRef) {
    setMessage('');
    if (await unrelate.run({ termId, otherId: other.id, kind })) {
      setMessage(t('glossaryAdmin.relationRemoved', { label: other.label }));
      onChanged();
    }
  }

  async function onSubmit(e: FormEvent<HTMLFormElement>) {
    e.preventDefault();
    setMessage('');
    const f = new FormData(e.currentTarget);
    const kind = formText(f, 'kind');
    const otherId = formText(f, 'otherId');
    const r = await relate.run({
      termId,
      otherId,
      kind: (KINDS as string[]).includes(kind) ? (kind as RelationKind) : 'RELATED',
    });
    if (r) {
      setMessage(t('glossaryAdmin.relationAdded'));
      setFormKey((k) => k + 1);
      onChanged();
    }
  }

  return (
    <Expander title={t('glossaryAdmin.relations')}>
      <p role="status" className={message ? 'alert alert-success' : undefined}>
        {message}
      </p>
      <ErrorMessage error={unrelate.error} />
      {existing.length === 0 ? (
        <p>{t('glossaryAdmin.noRelations')}</p>
      ) : (
        <ul className="relation-list">
          {existing.map(([kind, other]) => (
            <li key={`${kind}-${other.id}`}>
              {t(`glossaryAdmin.kind.${kind}`)}: <Link to={`/glossar/${other.id}`}>{other.label}</Link>{' '}
              <Button
                className="btn btn-secondary btn-small"
                isPending={unrelate.pending}
                onPress={() => void remove(kind, other)}
                aria-label={t('glossaryAdmin.removeRelation', { label: other.label })}
              >
                {t('glossaryAdmin.remove')}
              </Button>
            </li>
          ))}
        </ul>
      )}
      <h3>{t('glossaryAdmin.addRelation')}</h3>
      <ErrorMessage error={relate.error} mapping={mapping} />
      <RelationForm
        key={formKey}
        termId={termId}
        pending={relate.pending}
        validationErrors={fieldErrors(relate.error, mapping)}
        onSubmit={(e) => void onSubmit(e)}
      />
    </Expander>
  );
}

function RelationForm({
  termId,
  pending,
  validationErrors,
  onSubmit,
}: {
  termId: string;
  pending: boolean;
  validationErrors: Record<string, string>;
  onSubmit: (e: FormEvent<HTMLFormElement>) => void;
}) {
  const { t } = useTranslation();
  const choices = useQuery(TermChoicesQuery);
  const options = (choices.data?.terms ?? [])
    .filter((x) => x.id !== termId && x.status !== 'DEPRECATED')
    .map((x) => ({ id: x.id, label: x.label }));
  return (
    <Form className="form" onSubmit={onSubmit} validationErrors={validationErrors}>
      <ErrorMessage error={choices.error} />
      <RadioField
        name="kind"
        label={t('glossaryAdmin.relationKind')}
        defaultValue="RELATED"
        options={KINDS.map((k) => ({ id: k, label: t(`glossaryAdmin.kindChoice.${k}`) }))}
      />
      {options.length > 0 && (
        <SelectField name="otherId" label={t('glossaryAdmin.otherTerm')} options={options} defaultValue={options[0]?.id} />
      )}
      <Button type="submit" className="btn" isPending={pending} isDisabled={options.length === 0}>
        {t('glossaryAdmin.relate')}
      </Button>
    </Form>
  );
}

/** Coordinators mark a term as deprecated, optionally naming the term to use instead. */
export function DeprecateTerm({ termId, label, onChanged }: { termId: string; label: string; onChanged: () => void }) {
  const { t } = useTranslation();
  const deprecate = useMutation(DeprecateTermMutation);
  const choices = useQuery(TermChoicesQuery);
  const [open, setOpen] = useState(false);
  const [replacement, setReplacement] = useState(NO_REPLACEMENT);
  const options = [
    { id: NO_REPLACEMENT, label: t('glossaryAdmin.noReplacement') },
    ...(choices.data?.terms ?? [])
      .filter((x) => x.id !== termId && x.status !== 'DEPRECATED')
      .map((x) => ({ id: x.id, label: x.label })),
  ];
  return (
    <div className="inline-actions">
      <Button className="btn btn-danger" onPress={() => setOpen(true)}>
        {t('glossaryAdmin.deprecate')}
      </Button>
      <ConfirmDialog
        isOpen={open}
        title={t('glossaryAdmin.deprecateTitle', { label })}
        confirmLabel={t('glossaryAdmin.deprecateConfirm')}
        destructive
        pending={deprecate.pending}
        onCancel={() => {
          setOpen(false);
          deprecate.reset();
        }}
        onConfirm={() =>
          void deprecate
            .run({ termId, replacedById: replacement === NO_REPLACEMENT ? null : replacement })
            .then((r) => {
              if (r) {
                setOpen(false);
                onChanged();
              }
            })
        }
      >
        <p>{t('glossaryAdmin.deprecateText')}</p>
        <ErrorMessage error={deprecate.error} />
        <ReplacementSelect options={options} value={replacement} onChange={setReplacement} />
      </ConfirmDialog>
    </div>
  );
}

function ReplacementSelect({
  options,
  value,
  onChange,
}: {
  options: { id: string; label: string }[];
  value: string;
  onChange: (v: string) => void;
}) {
  const { t } = useTranslation();
  return (
    <Select
      className="field select"
      selectedKey={value}
      onSelectionChange={(k) => onChange(String(k ?? NO_REPLACEMENT))}
    >
      <Label>{t('glossaryAdmin.replacement')}</Label>
      <Button className="select-button">
        <SelectValue />
        <span aria-hidden="true" className="select-chevron">
          ▾
        </span>
      </Button>
      <Popover className="popover">
        <ListBox className="listbox" items={options}>
          {(o) => <ListBoxItem id={o.id}>{o.label}</ListBoxItem>}
        </ListBox>
      </Popover>
    </Select>
  );
}

/** Takes back my own review of a definition. */
export function WithdrawReview({
  definitionId,
  hasReview,
  onChanged,
}: {
  definitionId: string;
  hasReview: boolean;
  onChanged: () => void;
}) {
  const { t } = useTranslation();
  const withdraw = useMutation(WithdrawReviewMutation);
  const [done, setDone] = useState(false);
  return (
    <div className="inline-actions">
      {hasReview && (
      <Button
        className="btn btn-secondary"
        isPending={withdraw.pending}
        onPress={() =>
          void withdraw.run({ definitionId }).then((r) => {
            if (r) {
              setDone(true);
              onChanged();
            }
          })
        }
      >
        {t('glossaryAdmin.withdrawReview')}
      </Button>
      )}
      <ErrorMessage error={withdraw.error} />
      <p role="status" className={done && !hasReview ? 'alert alert-success' : undefined}>
        {done && !hasReview ? t('glossaryAdmin.reviewWithdrawn') : ''}
      </p>
    </div>
  );
}
