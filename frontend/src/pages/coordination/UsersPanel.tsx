import { useState, type FormEvent } from 'react';
import { Button, Dialog, Form, Heading, Modal, ModalOverlay } from 'react-aria-components';
import { useTranslation } from 'react-i18next';
import { ConfirmDialog } from '../../components/ConfirmDialog';
import { ErrorMessage } from '../../components/ErrorMessage';
import { CheckboxField, RadioField, TextInput } from '../../components/fields';
import { Loading } from '../../components/Notice';
import { fieldErrors } from '../../lib/client';
import { formText, formTexts } from '../../lib/form';
import { useMutation, useQuery } from '../../lib/hooks';
import { byName, isRole, ROLES } from '../../lib/labels';
import type { UsersQuery as UsersQueryResult } from '../../gql/graphql';
import { useUser } from '../../session/context';
import {
  CreateUserMutation,
  DeactivateUserMutation,
  EraseUserMutation,
  OrganizationsQuery,
  UpdateUserMutation,
  UsersQuery,
} from './operations';

type UserRow = UsersQueryResult['users'][number];
type Pending = { kind: 'deactivate' | 'erase'; user: UserRow } | null;

export function UsersPanel() {
  const { t, i18n } = useTranslation();
  const me = useUser();
  const users = useQuery(UsersQuery);
  const orgs = useQuery(OrganizationsQuery);
  const create = useMutation(CreateUserMutation);
  const deactivate = useMutation(DeactivateUserMutation);
  const erase = useMutation(EraseUserMutation);
  const [status, setStatus] = useState<string | null>(null);
  const [formKey, setFormKey] = useState(0);
  const [editing, setEditing] = useState<UserRow | null>(null);
  const [confirm, setConfirm] = useState<Pending>(null);

  const list = [...(users.data?.users ?? [])].sort(byName(i18n.language));
  const orgOptions = [...(orgs.data?.organizations ?? [])]
    .sort(byName(i18n.language))
    .map((o) => ({ id: o.id, label: o.name }));
  const roleOptions = ROLES.map((r) => ({ id: r, label: t(`role.${r}`) }));

  async function onCreate(e: FormEvent<HTMLFormElement>) {
    e.preventDefault();
    setStatus(null);
    const data = new FormData(e.currentTarget);
    const role = data.get('role');
    const result = await create.run({
      input: {
        email: formText(data, 'email').trim(),
        name: formText(data, 'name').trim(),
        password: formText(data, 'password'),
        role: isRole(role) ? role : 'MEMBER',
        organizationIds: formTexts(data, 'organizationIds'),
      },
    });
    if (result) {
      setStatus(t('users.created', { name: result.createUser.name }));
      setFormKey((k) => k + 1);
      users.refetch();
    }
  }

  async function onConfirm() {
    if (!confirm) return;
    const { kind, user } = confirm;
    const ok =
      kind === 'erase' ? await erase.run({ id: user.id }) : await deactivate.run({ id: user.id });
    if (ok) {
      setConfirm(null);
      setStatus(t(kind === 'erase' ? 'users.erased' : 'users.deactivated', { name: user.name }));
      users.refetch();
    }
  }

  const confirmMutation = confirm?.kind === 'erase' ? erase : deactivate;

  return (
    <div className="panel-grid">
      <section aria-labelledby="users-list">
        <h2 id="users-list">{t('users.list')}</h2>
        {users.loading && !users.data && <Loading />}
        <ErrorMessage error={users.error} />
        {status && (
          <p role="status" className="alert alert-success">
            {status}
          </p>
        )}
        {list.length > 0 && (
          <div className="table-wrap" tabIndex={0} role="region" aria-labelledby="users-list">
            <table>
              <thead>
                <tr>
                  <th scope="col">{t('users.name')}</th>
                  <th scope="col">{t('users.email')}</th>
                  <th scope="col">{t('users.role')}</th>
                  <th scope="col">{t('users.organizations')}</th>
                  <th scope="col">{t('users.status')}</th>
                  <th scope="col">{t('common.actions')}</th>
                </tr>
              </thead>
              <tbody>
                {list.map((u) => (
                  <tr key={u.id} className={u.active ? undefined : 'inactive'}>
                    <th scope="row">{u.name}</th>
                    <td>{u.email}</td>
                    <td>{t(`role.${u.role}`)}</td>
                    <td>{u.organizations.map((o) => o.name).join(', ') || '–'}</td>
                    <td>{u.active ? t('users.active') : t('users.inactive')}</td>
                    <td>
                      <div className="row-actions">
                        <Button
                          className="btn btn-small btn-secondary"
                          onPress={() => setEditing(u)}
                          aria-label={t('users.editNamed', { name: u.name })}
                        >
                          {t('common.edit')}
                        </Button>
                        {u.active && u.id !== me.id && (
                          <Button
                            className="btn btn-small btn-secondary"
                            onPress={() => {
                              deactivate.reset();
                              setConfirm({ kind: 'deactivate', user: u });
                            }}
                            aria-label={t('users.deactivateNamed', { name: u.name })}
                          >
                            {t('users.deactivate')}
                          </Button>
                        )}
                        {u.id !== me.id && (
                          <Button
                            className="btn btn-small btn-danger"
                            onPress={() => {
                              erase.reset();
                              setConfirm({ kind: 'erase', user: u });
                            }}
                            aria-label={t('users.eraseNamed', { name: u.name })}
                          >
                            {t('users.erase')}
                          </Button>
                        )}
                      </div>
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </section>

      <section aria-labelledby="users-create">
        <h2 id="users-create">{t('users.create')}</h2>
        <ErrorMessage error={create.error} />
        <Form
          key={formKey}
          className="form"
          onSubmit={(e) => void onCreate(e)}
          validationErrors={fieldErrors(create.error)}
        >
          <TextInput name="name" label={t('users.name')} isRequired autoComplete="off" />
          <TextInput name="email" type="email" label={t('users.email')} isRequired autoComplete="off" />
          <TextInput
            name="password"
            type="password"
            label={t('users.password')}
            description={t('users.passwordHint')}
            isRequired
            autoComplete="new-password"
          />
          <RadioField name="role" label={t('users.role')} isRequired defaultValue="MEMBER" options={roleOptions} />
          <CheckboxField
            name="organizationIds"
            label={t('users.organizations')}
            options={orgOptions}
            empty={<p>{t('organizations.empty')}</p>}
          />
          <Button type="submit" className="btn" isPending={create.pending}>
            {t('users.submit')}
          </Button>
        </Form>
      </section>

      {editing && (
        <EditUserDialog
          user={editing}
          orgOptions={orgOptions}
          onClose={() => setEditing(null)}
          onSaved={(name) => {
            setEditing(null);
            setStatus(t('users.updated', { name }));
            users.refetch();
          }}
        />
      )}

      <ConfirmDialog
        isOpen={confirm !== null}
        title={
          confirm?.kind === 'erase'
            ? t('users.eraseTitle', { name: confirm.user.name })
            : t('users.deactivateTitle', { name: confirm?.user.name ?? '' })
        }
        confirmLabel={confirm?.kind === 'erase' ? t('users.eraseConfirm') : t('users.deactivateConfirm')}
        destructive
        pending={confirmMutation.pending}
        onConfirm={() => void onConfirm()}
        onCancel={() => setConfirm(null)}
      >
        <p>{confirm?.kind === 'erase' ? t('users.eraseText') : t('users.deactivateText')}</p>
        <ErrorMessage error={confirmMutation.error} />
      </ConfirmDialog>
    </div>
  );
}

function EditUserDialog({
  user,
  orgOptions,
  onClose,
  onSaved,
}: {
  user: UserRow;
  orgOptions: { id: string; label: string }[];
  onClose: () => void;
  onSaved: (name: string) => void;
}) {
  const { t } = useTranslation();
  const update = useMutation(UpdateUserMutation);
  const roleOptions = ROLES.map((r) => ({ id: r, label: t(`role.${r}`) }));

  async function onSubmit(e: FormEvent<HTMLFormElement>) {
    e.preventDefault();
    const data = new FormData(e.currentTarget);
    const role = data.get('role');
    const result = await update.run({
      id: user.id,
      input: {
        name: formText(data, 'name').trim(),
        email: formText(data, 'email').trim(),
        role: isRole(role) ? role : user.role,
        organizationIds: formTexts(data, 'organizationIds'),
      },
    });
    if (result) onSaved(result.updateUser.name);
  }

  return (
    <ModalOverlay
      className="modal-overlay"
      isOpen
      isDismissable
      onOpenChange={(open) => {
        if (!open) onClose();
      }}
    >
      <Modal className="modal">
        <Dialog className="dialog">
          <Heading slot="title">{t('users.editTitle', { name: user.name })}</Heading>
          <ErrorMessage error={update.error} />
          <Form className="form" onSubmit={(e) => void onSubmit(e)} validationErrors={fieldErrors(update.error)}>
            <TextInput name="name" label={t('users.name')} isRequired defaultValue={user.name} autoFocus />
            <TextInput name="email" type="email" label={t('users.email')} isRequired defaultValue={user.email} />
            <RadioField name="role" label={t('users.role')} isRequired defaultValue={user.role} options={roleOptions} />
            <CheckboxField
              name="organizationIds"
              label={t('users.organizations')}
              options={orgOptions}
              defaultValue={user.organizations.map((o) => o.id)}
            />
            <div className="dialog-actions">
              <Button className="btn btn-secondary" onPress={onClose}>
                {t('common.cancel')}
              </Button>
              <Button type="submit" className="btn" isPending={update.pending}>
                {t('common.save')}
              </Button>
            </div>
          </Form>
        </Dialog>
      </Modal>
    </ModalOverlay>
  );
}
