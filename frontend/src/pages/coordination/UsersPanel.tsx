import { useRef, useState, type FormEvent } from 'react';
import { Button, Dialog, Form, Heading, Modal, ModalOverlay } from 'react-aria-components';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { ConfirmDialog } from '../../components/ConfirmDialog';
import { Expander } from '../../components/Expander';
import { ErrorMessage } from '../../components/ErrorMessage';
import { QueryView } from '../../components/QueryView';
import { CheckboxField, RadioField, TextInput, type Option } from '../../components/fields';
import type { Role, UsersQuery as UsersQueryResult } from '../../gql/graphql';
import { useErrorText } from '../../lib/errors';
import { formText, formTexts } from '../../lib/form';
import { useMutation, useQuery } from '../../lib/hooks';
import { byName, isRole, ROLES } from '../../lib/labels';
import { useUser, type SessionUser } from '../../session/context';
import {
  CreateUserMutation,
  DeactivateUserMutation,
  EraseUserMutation,
  OrganizationsQuery,
  ReactivateUserMutation,
  UpdateUserMutation,
  UsersQuery,
} from './operations';

type UserRow = UsersQueryResult['users'][number];
type ConfirmKind = 'deactivate' | 'reactivate' | 'erase';
type Pending = { kind: ConfirmKind; user: UserRow } | null;

const USER_FIELDS = {
  fields: ['email', 'name', 'password', 'role', 'organizationIds'],
  conflictField: 'email',
};

/** Roles this person may hand out (only admins make admins). */
export function grantableRoles(me: Pick<SessionUser, 'role'>): Role[] {
  return me.role === 'ADMIN' ? ROLES : ROLES.filter((r) => r !== 'ADMIN');
}

/** What may be done with a row: nobody acts on themselves or on erased people; only admins erase. */
export function rowActions(me: Pick<SessionUser, 'id' | 'role'>, u: Pick<UserRow, 'id' | 'active' | 'erased' | 'role'>) {
  const self = me.id === u.id;
  const mayTouch = !u.erased && (me.role === 'ADMIN' || u.role !== 'ADMIN');
  return {
    edit: mayTouch,
    deactivate: mayTouch && !self && u.active,
    reactivate: mayTouch && !self && !u.active,
    erase: !u.erased && !self && me.role === 'ADMIN',
  };
}

export function UsersPanel() {
  const { t, i18n } = useTranslation();
  const me = useUser();
  const users = useQuery(UsersQuery);
  const orgs = useQuery(OrganizationsQuery);
  const create = useMutation(CreateUserMutation);
  const deactivate = useMutation(DeactivateUserMutation);
  const reactivate = useMutation(ReactivateUserMutation);
  const erase = useMutation(EraseUserMutation);
  const { fieldErrors } = useErrorText();
  const [status, setStatus] = useState<string | null>(null);
  const formRef = useRef<HTMLFormElement>(null);
  const [editing, setEditing] = useState<UserRow | null>(null);
  const [confirm, setConfirm] = useState<Pending>(null);

  const list = [...(users.data?.users ?? [])].sort(byName(i18n.language));
  const orgOptions: Option[] = [...(orgs.data?.organizations ?? [])]
    .sort(byName(i18n.language))
    .map((o) => ({ id: o.id, label: o.name }));
  const roleOptions: Option[] = grantableRoles(me).map((r) => ({ id: r, label: t(`role.${r}`) }));
  const mutations = { deactivate, reactivate, erase };

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
      // Reset in place (not by remounting) so that focus stays on the submit button.
      formRef.current?.reset();
      users.refetch();
      orgs.refetch();
    }
  }

  function ask(kind: ConfirmKind, user: UserRow) {
    mutations[kind].reset();
    setStatus(null);
    setConfirm({ kind, user });
  }

  async function onConfirm() {
    if (!confirm) return;
    const { kind, user } = confirm;
    const ok = await mutations[kind].run({ id: user.id });
    if (ok) {
      setConfirm(null);
      setStatus(t(`users.${kind}d`, { name: user.name }));
      users.refetch();
      orgs.refetch();
    }
  }

  return (
    <div className="panel-stack">
      <Expander title={t('users.create')}>
        <ErrorMessage error={create.error} mapping={USER_FIELDS} />
        <Form
          ref={formRef}
          className="form"
          onSubmit={(e) => void onCreate(e)}
          validationErrors={fieldErrors(create.error, USER_FIELDS)}
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
      </Expander>
      <section aria-labelledby="users-list">
        <h2 id="users-list">{t('users.list')}</h2>
        {status && (
          <p role="status" className="alert alert-success">
            {status}
          </p>
        )}
        <QueryView query={users}>
          {() => (
            <>
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
                      {list.map((u) => {
                        const can = rowActions(me, u);
                        return (
                          <tr key={u.id} className={u.active && !u.erased ? undefined : 'inactive'}>
                            <th scope="row">{u.name}</th>
                            <td>{u.email ?? '–'}</td>
                            <td>{t(`role.${u.role}`)}</td>
                            <td>{u.organizations.map((o) => o.name).join(', ') || '–'}</td>
                            <td>{u.erased ? t('users.erasedStatus') : u.active ? t('users.active') : t('users.inactive')}</td>
                            <td>
                              <div className="row-actions">
                                {can.edit && (
                                  <Button
                                    className="btn btn-small btn-secondary"
                                    onPress={() => {
                                      setStatus(null);
                                      setEditing(u);
                                    }}
                                    aria-label={t('users.editNamed', { name: u.name })}
                                  >
                                    {t('common.edit')}
                                  </Button>
                                )}
                                {can.deactivate && (
                                  <Button
                                    className="btn btn-small btn-secondary"
                                    onPress={() => ask('deactivate', u)}
                                    aria-label={t('users.deactivateNamed', { name: u.name })}
                                  >
                                    {t('users.deactivate')}
                                  </Button>
                                )}
                                {can.reactivate && (
                                  <Button
                                    className="btn btn-small btn-secondary"
                                    onPress={() => ask('reactivate', u)}
                                    aria-label={t('users.reactivateNamed', { name: u.name })}
                                  >
                                    {t('users.reactivate')}
                                  </Button>
                                )}
                                {can.erase && (
                                  <Button
                                    className="btn btn-small btn-danger"
                                    onPress={() => ask('erase', u)}
                                    aria-label={t('users.eraseNamed', { name: u.name })}
                                  >
                                    {t('users.erase')}
                                  </Button>
                                )}
                                <Link
                                  className="btn btn-small btn-secondary"
                                  to={`/koordination?tab=protokoll&entity=${u.id}`}
                                  aria-label={t('audit.historyOf', { name: u.name })}
                                >
                                  {t('audit.history')}
                                </Link>
                              </div>
                            </td>
                          </tr>
                        );
                      })}
                    </tbody>
                  </table>
                </div>
              )}
            </>
          )}
        </QueryView>
      </section>


      {editing && (
        <EditUserDialog
          user={editing}
          orgOptions={orgOptions}
          roleOptions={roleOptions}
          onClose={() => setEditing(null)}
          onSaved={(name) => {
            setEditing(null);
            setStatus(t('users.updated', { name }));
            users.refetch();
            orgs.refetch();
          }}
        />
      )}

      <ConfirmDialog
        isOpen={confirm !== null}
        title={confirm ? t(`users.${confirm.kind}Title`, { name: confirm.user.name }) : ''}
        confirmLabel={confirm ? t(`users.${confirm.kind}Confirm`) : ''}
        destructive={confirm?.kind !== 'reactivate'}
        pending={confirm ? mutations[confirm.kind].pending : false}
        onConfirm={() => void onConfirm()}
        onCancel={() => setConfirm(null)}
      >
        <p>{confirm ? t(`users.${confirm.kind}Text`) : ''}</p>
        <ErrorMessage error={confirm ? mutations[confirm.kind].error : undefined} />
      </ConfirmDialog>
    </div>
  );
}

function EditUserDialog({
  user,
  orgOptions,
  roleOptions,
  onClose,
  onSaved,
}: {
  user: UserRow;
  orgOptions: Option[];
  roleOptions: Option[];
  onClose: () => void;
  onSaved: (name: string) => void;
}) {
  const { t } = useTranslation();
  const update = useMutation(UpdateUserMutation);
  const { fieldErrors } = useErrorText();
  const options = roleOptions.some((o) => o.id === user.role)
    ? roleOptions
    : [...roleOptions, { id: user.role, label: t(`role.${user.role}`) }];

  async function onSubmit(e: FormEvent<HTMLFormElement>) {
    e.preventDefault();
    const data = new FormData(e.currentTarget);
    const role = data.get('role');
    const email = formText(data, 'email').trim();
    const result = await update.run({
      id: user.id,
      input: {
        name: formText(data, 'name').trim(),
        // The email is only sent when it is known and changed.
        email: user.email != null && email !== user.email ? email : undefined,
        role: isRole(role) && role !== user.role ? role : undefined,
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
          <ErrorMessage error={update.error} mapping={USER_FIELDS} />
          <Form
            className="form"
            onSubmit={(e) => void onSubmit(e)}
            validationErrors={fieldErrors(update.error, USER_FIELDS)}
          >
            <TextInput name="name" label={t('users.name')} isRequired defaultValue={user.name} autoFocus />
            {user.email != null && (
              <TextInput name="email" type="email" label={t('users.email')} isRequired defaultValue={user.email} />
            )}
            <RadioField name="role" label={t('users.role')} isRequired defaultValue={user.role} options={options} />
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
