import type { Balances } from '@visage/core';
import type { Services } from '@visage/server';
import type { Command } from 'commander';
import { wholeFen } from './options.js';
import { adminCommand, type Operate } from './operator.js';

export function registerWalletCommands(admin: Command, operate: Operate): void {
  const wallet = admin.command('wallet').description("organisations' prepaid wallets (amounts in whole fen)");

  adminCommand(wallet, 'topup', 'credit cash from a bank transfer; each reference is credited once')
    .requiredOption('--org <org>', 'organisation id')
    .requiredOption('--amount <fen>', 'whole fen, above zero')
    .requiredOption('--reference <ref>', 'the bank-transfer reference')
    .action((flags: { org: string; amount: string; reference: string }, command: Command) =>
      operate(
        command,
        ({ actor, withServices }) => {
          const amountFen = wholeFen(flags.amount);
          return withServices(async (services) => {
            await services.organizations.get(flags.org);
            await services.wallet.topUp({ orgId: flags.org, amountFen, reference: flags.reference, actor });
            return balancesOf(services, flags.org);
          });
        },
        formatBalances,
      ),
    );

  adminCommand(wallet, 'bonus', 'grant bonus, which calls spend before cash')
    .requiredOption('--org <org>', 'organisation id')
    .requiredOption('--amount <fen>', 'whole fen, above zero')
    .requiredOption('--reason <text>', 'why, for the audit log')
    .action((flags: { org: string; amount: string; reason: string }, command: Command) =>
      operate(
        command,
        ({ actor, withServices }) => {
          const amountFen = wholeFen(flags.amount);
          return withServices(async (services) => {
            // Through the finance desk, as from the admin console: the organisation is told (bonus.granted).
            await services.financeDesk.grantBonus({ orgId: flags.org, amountFen, reason: flags.reason, actor });
            return balancesOf(services, flags.org);
          });
        },
        formatBalances,
      ),
    );

  adminCommand(wallet, 'show', "an organisation's balances")
    .requiredOption('--org <org>', 'organisation id')
    .action((flags: { org: string }, command: Command) =>
      operate(
        command,
        ({ withServices }) =>
          withServices(async (services) => {
            await services.organizations.get(flags.org);
            return balancesOf(services, flags.org);
          }),
        formatBalances,
      ),
    );
}

async function balancesOf({ wallet }: Services, orgId: string): Promise<Balances> {
  const { cash, bonus, held } = await wallet.balances(orgId);
  return { cash, bonus, held };
}

const formatBalances = ({ cash, bonus, held }: Balances): string =>
  `cash ${cash} fen, bonus ${bonus} fen, held ${held} fen`;
