import { billableProducts, type Price, type PriceSchedule } from '@visage/core';
import type { Command } from 'commander';
import { instantOf, oneOf, wholeFen } from './options.js';
import { adminCommand, type Operate } from './operator.js';

export function registerPriceCommands(admin: Command, operate: Operate): void {
  const price = admin.command('price').description('the price of each billable product, in whole fen per call');

  adminCommand(price, 'set', "set a product's price from now or from a later instant")
    .requiredOption('--product <product>', billableProducts.join(' | '))
    .requiredOption('--amount <fen>', 'whole fen per call (0 = free)')
    .option('--effective <iso>', 'when it takes effect: an ISO-8601 date (midnight UTC) or date-time (default: now)')
    .option('--reason <text>', 'why, for the audit log and the customers’ notice', 'price change')
    .action((flags: { product: string; amount: string; effective?: string; reason: string }, command: Command) =>
      operate(
        command,
        ({ actor, withServices }) => {
          const product = oneOf(flags.product, billableProducts, '--product');
          const amountFen = wholeFen(flags.amount, { allowZero: true });
          const effectiveAt = flags.effective === undefined ? undefined : instantOf(flags.effective);
          // Through the finance desk, as from the admin console: every customer is told (price.scheduled).
          return withServices(async ({ financeDesk }) =>
            priceView(
              (await financeDesk.schedulePrice({ product, amountFen, effectiveAt, reason: flags.reason, actor })).price,
            ),
          );
        },
        (set) => `${set.product}: ${set.amount_fen} fen from ${set.effective_at}`,
      ),
    );

  adminCommand(price, 'list', 'the current and upcoming price of each product').action(
    (_flags: unknown, command: Command) =>
      operate(
        command,
        ({ withServices }) =>
          withServices(async ({ pricing }) => ({ prices: (await pricing.list()).map(scheduleView) })),
        ({ prices }) => prices.map(formatSchedule).join('\n'),
      ),
  );
}

type PriceView = ReturnType<typeof priceView>;

function priceView(price: Price) {
  return {
    id: price.id,
    product: price.product,
    amount_fen: price.amountFen,
    effective_at: price.effectiveAt,
    created_at: price.createdAt,
    created_by: price.createdBy,
  };
}

function scheduleView(schedule: PriceSchedule) {
  return {
    product: schedule.product,
    current: schedule.current ? priceView(schedule.current) : null,
    upcoming: schedule.upcoming.map(priceView),
  };
}

function formatSchedule({ product, current, upcoming }: ReturnType<typeof scheduleView>): string {
  const now = current ? `${current.amount_fen} fen since ${current.effective_at}` : 'not set';
  const later = upcoming.map((p: PriceView) => `, then ${p.amount_fen} fen from ${p.effective_at}`).join('');
  return `${product.padEnd(12)} ${now}${later}`;
}
