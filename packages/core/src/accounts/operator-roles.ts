/**
 * Operators belong to no organisation; each has one role, and a role is a fixed set of permissions. The admin console
 * hides what a role may not do, and the admin API refuses it ('auth.forbidden'): the API is the boundary.
 */
export const operatorRoles = ['admin', 'reviewer', 'finance', 'support'] as const;
export type OperatorRole = (typeof operatorRoles)[number];

export const operatorPermissions = [
  'dashboard.read',
  'customers.read',
  /** Suspend, resume, terminate. */
  'customers.standing',
  'certification.review',
  'sanctions.manage',
  'finance.topups',
  'finance.bonus',
  'finance.ledger',
  'prices.manage',
  'agreements.manage',
  'announcements.send',
  'complaints.handle',
  'mail.read',
  'audit.read',
  'operators.manage',
  /** Import, list and delete identity registry records (docs/identity-sources.md). */
  'registry.manage',
] as const;
export type OperatorPermission = (typeof operatorPermissions)[number];

const grants: Record<OperatorRole, readonly OperatorPermission[]> = {
  admin: operatorPermissions,
  reviewer: ['dashboard.read', 'customers.read', 'certification.review', 'sanctions.manage'],
  finance: ['dashboard.read', 'customers.read', 'finance.topups', 'finance.bonus', 'finance.ledger', 'prices.manage'],
  support: ['dashboard.read', 'customers.read', 'announcements.send', 'complaints.handle', 'mail.read'],
};

export function isOperatorRole(role: string): role is OperatorRole {
  return (operatorRoles as readonly string[]).includes(role);
}

export function permissionsOf(role: string): readonly OperatorPermission[] {
  return isOperatorRole(role) ? grants[role] : [];
}

export function operatorMay(role: string, permission: OperatorPermission): boolean {
  return permissionsOf(role).includes(permission);
}
