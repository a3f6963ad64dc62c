import type { Command } from 'commander';
import { adminCommand, type Operate } from './operator.js';

export function registerAppCommands(admin: Command, operate: Operate): void {
  const app = admin.command('app').description("organisations' apps");

  adminCommand(app, 'create', 'create an app in an organisation')
    .requiredOption('--org <org>', 'organisation id')
    .requiredOption('--name <name>', "the app's name")
    .option('--description <text>', 'what it is for')
    .action((flags: { org: string; name: string; description?: string }, command: Command) =>
      operate(
        command,
        ({ actor, withServices }) =>
          withServices(async ({ apps }) => {
            const created = await apps.create({
              orgId: flags.org,
              name: flags.name,
              ...(flags.description === undefined ? {} : { description: flags.description }),
              actor,
            });
            return { id: created.id };
          }),
        ({ id }) => `created app ${id}`,
      ),
    );
}
