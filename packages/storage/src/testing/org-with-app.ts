import { createApps, createOrganizations, type Clock } from '@visage/core';
import { createAppRepository } from '../app.repository.js';
import type { VisageDatabase } from '../database.js';
import { createOrganizationRepository } from '../organization.repository.js';
import { auditOn, nodeCrypto } from './account-ports.js';

/** A certified organisation "Acme" with one app "Checkout", and the apps service that made it. */
export async function createOrgWithApp(database: VisageDatabase, clock: Clock, appActor = 'user:usr_owner') {
  const { audit } = auditOn(database, clock);
  const orgs = createOrganizationRepository(database);
  const organizations = createOrganizations({ repo: orgs, clock, crypto: nodeCrypto, audit });
  const orgId = (await organizations.create('Acme', { certified: true }, 'operator:alice')).id;
  const apps = createApps({
    apps: createAppRepository(database),
    orgs,
    clock,
    crypto: nodeCrypto,
    audit,
    maxResultRetentionSeconds: 86_400,
  });
  const appId = (await apps.create({ orgId, name: 'Checkout', actor: appActor })).id;
  return { orgId, appId, apps };
}
