import { describe, expect, it } from 'vitest';
import { grantableRoles, rowActions } from './UsersPanel';

const admin = { id: 'a', role: 'ADMIN' as const };
const coord = { id: 'c', role: 'COORDINATOR' as const };
const member = { id: 'm', role: 'MEMBER' as const, active: true, erased: false };

describe('user row actions', () => {
  it('only admins grant the admin role', () => {
    expect(grantableRoles(admin)).toContain('ADMIN');
    expect(grantableRoles(coord)).not.toContain('ADMIN');
  });

  it('only admins erase, nobody acts on themselves', () => {
    expect(rowActions(admin, member)).toEqual({ edit: true, deactivate: true, reactivate: false, erase: true });
    expect(rowActions(coord, member).erase).toBe(false);
    expect(rowActions(admin, { ...admin, active: true, erased: false })).toMatchObject({
      deactivate: false,
      erase: false,
    });
  });

  it('offers reactivation for inactive people and nothing for erased ones', () => {
    expect(rowActions(admin, { ...member, active: false }).reactivate).toBe(true);
    expect(rowActions(admin, { ...member, active: false, erased: true })).toEqual({
      edit: false,
      deactivate: false,
      reactivate: false,
      erase: false,
    });
  });

  it('coordinators leave admins alone', () => {
    expect(rowActions(coord, { ...admin, active: true, erased: false }).edit).toBe(false);
  });
});
