import { keyModes, type ApiKey } from '@visage/core';
import type { Command } from 'commander';
import { oneOf, reasonOf } from './options.js';
import { adminCommand, type Operate } from './operator.js';

export function registerKeyCommands(admin: Command, operate: Operate): void {
  const key = admin.command('key').description("apps' API keys");

  adminCommand(key, 'create', 'issue an API key for an app; its secret is shown this once')
    .requiredOption('--app <app>', 'app id')
    .requiredOption('--mode <mode>', `${keyModes.join(' or ')}`)
    .action((flags: { app: string; mode: string }, command: Command) =>
      operate(
        command,
        async ({ actor, json, withServices }) => {
          const mode = oneOf(flags.mode, keyModes, '--mode');
          const issued = await withServices(async ({ apps, keys }) => {
            const app = await apps.getById(flags.app);
            return keys.create({ orgId: app.orgId, appId: app.id, mode, actor });
          });
          if (!json) process.stderr.write('visage: this is the only time the secret is shown; store it now\n');
          return { key_id: issued.keyId, secret: issued.secret };
        },
        (issued) => `key_id  ${issued.key_id}\nsecret  ${issued.secret}`,
      ),
    );

  adminCommand(key, 'revoke', 'revoke an API key at once')
    .argument('<key>', 'key id')
    .requiredOption('--reason <text>', 'why, for the audit log')
    .action((keyId: string, flags: { reason: string }, command: Command) =>
      operate(
        command,
        ({ actor, withServices }) => {
          const reason = reasonOf(flags.reason);
          return withServices(async ({ keys }) => {
            const { orgId } = await keys.getById(keyId);
            return keyView(await keys.revoke({ orgId, keyId, actor, reason }));
          });
        },
        (revoked) => `${revoked.key_id} ${revoked.status}`,
      ),
    );
}

function keyView(key: ApiKey) {
  return {
    key_id: key.id,
    app_id: key.appId,
    org_id: key.orgId,
    mode: key.mode,
    status: key.status,
    created_at: key.createdAt,
    revoked_at: key.revokedAt,
  };
}
