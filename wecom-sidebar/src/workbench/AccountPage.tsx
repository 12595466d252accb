import type { StaffProfile } from '@careloop/shared';
import { ROLE_LABELS } from '../labels';

export function AccountPage({ staff }: { staff: StaffProfile }) {
  return (
    <div className="grid">
      <section className="card">
        <h2 className="card__title">我的账号 My account</h2>
        <dl className="facts">
          <dt>姓名 Name</dt>
          <dd data-testid="account-name">{staff.name}</dd>
          <dt>职位 Position</dt>
          <dd data-testid="staff-position">{staff.position || '—'}</dd>
          <dt>角色 Roles</dt>
          <dd data-testid="staff-roles">
            {staff.roles.length ? (
              staff.roles.map((role) => (
                <span key={role} className={`chip chip--${role}`}>
                  {ROLE_LABELS[role] ?? role}
                </span>
              ))
            ) : (
              <span className="muted">—</span>
            )}
          </dd>
          <dt>企业微信账号 WeCom user</dt>
          <dd className="mono">{staff.wecomUserId}</dd>
        </dl>
      </section>
      <section className="card">
        <h2 className="card__title">所属机构 Organisation</h2>
        <p className="org" data-testid="account-organisation">
          {staff.organisation.name}
        </p>
      </section>
    </div>
  );
}
