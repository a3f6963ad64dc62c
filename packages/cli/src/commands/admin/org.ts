import { organizationState, type Organization } from '@visage/core';
import type { Command } from 'commander';
import { adminCommand, type Operate } from './operator.js';

const transitions = {
  certify: 'certify the organisation (live keys work once it has accepted the current agreement)',
  suspend: 'suspend the organisation: every key stops working until it is resumed',
  resume: 'resume a suspended organisation',
  reject: 'reject a pending certification request',
  terminate: 'terminate the organisation, for good',
} as const;

export function registerOrgCommands(admin: Command, operate: Operate): void {
  const org = admin.command('org').description('organisations');

  adminCommand(org, 'create', 'create an organisation (registered; certified with --certified)')
    .requiredOption('--name <name>', 'its name')
    .option('--certified', 'create it certified')
    .action((flags: { name: string; certified?: boolean }, command: Command) =>
      operate(
        command,
        ({ actor, withServices }) =>
          withServices(async ({ organizations }) => {
            const created = await organizations.create(flags.name, { certified: flags.certified ?? false }, actor);
            return { id: created.id };
          }),
        ({ id }) => `created organisation ${id}`,
      ),
    );

  for (const [move, description] of Object.entries(transitions) as [keyof typeof transitions, string][]) {
    adminCommand(org, move, description)
      .argument('<org>', 'organisation id')
      .requiredOption('--reason <text>', 'why, for the audit log')
      .action((orgId: string, flags: { reason: string }, command: Command) =>
        operate(
          command,
          ({ actor, withServices }) =>
            withServices(async ({ organizations }) =>
              organizationView(await organizations[move](orgId, { actor, reason: flags.reason })),
            ),
          formatOrganization,
        ),
      );
  }

  adminCommand(org, 'show', 'show one organisation')
    .argument('<org>', 'organisation id')
    .action((orgId: string, _flags: unknown, command: Command) =>
      operate(
        command,
        ({ withServices }) =>
          withServices(async ({ organizations }) => organizationView(await organizations.get(orgId))),
        formatOrganization,
      ),
    );

  adminCommand(org, 'list', 'list every organisation, oldest first').action((_flags: unknown, command: Command) =>
    operate(
      command,
      ({ withServices }) =>
        withServices(async ({ organizations }) => ({
          organizations: (await organizations.list()).map(organizationView),
        })),
      ({ organizations }) => organizations.map(formatOrganization).join('\n') || 'no organisations',
    ),
  );
}

type OrganizationView = ReturnType<typeof organizationView>;

function organizationView(org: Organization) {
  return {
    id: org.id,
    name: org.name,
    state: organizationState(org),
    certification: org.certification,
    status: org.status,
    created_at: org.createdAt,
    updated_at: org.updatedAt,
  };
}

const formatOrganization = (org: OrganizationView): string => `${org.id}  ${org.state.padEnd(10)}  ${org.name}`;
