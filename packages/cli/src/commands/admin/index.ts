import type { Command } from 'commander';
import { registerAgreementCommands } from './agreement.js';
import { registerAppCommands } from './app.js';
import { registerKeyCommands } from './key.js';
import { operateWith, type Run } from './operator.js';
import { registerOrgCommands } from './org.js';
import { registerPriceCommands } from './price.js';
import { registerUserCommands } from './user.js';
import { registerWalletCommands } from './wallet.js';

/** `visage admin …`: operator commands acting on the database directly; the services audit every action. */
export function registerAdminCommands(program: Command, run: Run): void {
  const admin = program
    .command('admin')
    .description('operate the platform directly on its database (SQLite under --data, or DATABASE_URL)')
    .option('--data <dir>', 'data directory (also VISAGE_DATA_DIR)')
    .option('--as <name>', 'operator name for the audit log (default: the OS user)');
  const operate = operateWith(run);
  for (const register of [
    registerOrgCommands,
    registerAppCommands,
    registerKeyCommands,
    registerWalletCommands,
    registerPriceCommands,
    registerAgreementCommands,
    registerUserCommands,
  ]) {
    register(admin, operate);
  }
}
