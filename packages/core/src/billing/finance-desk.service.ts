import type { Organization } from '../accounts/accounts.ports.js';
import type { NoticeSender } from '../notices/notices.ports.js';
import type { NoticeFailureHandler } from '../notices/notify-safely.js';
import type { Product } from '../verification/verification.ports.js';
import type { Balances } from './ledger.js';
import type { Price, Pricing } from './pricing.service.js';
import { notifySafely, requiredReason } from './finance-reasons.js';
import type { Statement, Wallet } from './wallet.service.js';

/**
 * The operator's finance actions on one organisation and on the price list: each checks that the organisation
 * exists, takes a reason where it affects a customer, and tells the customers concerned.
 */
export function createFinanceDesk(ports: {
  wallet: Pick<Wallet, 'grantBonus' | 'balances' | 'statement'>;
  pricing: Pick<Pricing, 'setPrice' | 'list'>;
  organizations: { get(orgId: string): Promise<Organization> };
  notices: NoticeSender;
  /** Told when a notice fails after the change was made (the action still succeeds). */
  onError?: NoticeFailureHandler;
}) {
  const { wallet, pricing, organizations, notices, onError } = ports;

  return {
    /** Credits bonus (spent before cash) and tells the organisation. */
    async grantBonus(input: {
      orgId: string;
      amountFen: number;
      reason: string;
      actor: string;
    }): Promise<{ balances: Balances; notified: boolean }> {
      const reason = requiredReason(input.reason);
      await organizations.get(input.orgId);
      await wallet.grantBonus({ orgId: input.orgId, amountFen: input.amountFen, reason, actor: input.actor });
      const notified = await notifySafely(
        notices,
        {
          orgIds: [input.orgId],
          kind: 'bonus.granted',
          data: { amount_fen: input.amountFen, reason },
          email: true,
        },
        onError,
      );
      return { balances: await wallet.balances(input.orgId), notified };
    },

    async balances(orgId: string): Promise<Balances> {
      await organizations.get(orgId);
      return wallet.balances(orgId);
    },

    async statement(orgId: string, period: string): Promise<Statement> {
      await organizations.get(orgId);
      return wallet.statement(orgId, period);
    },

    /**
     * Sets a product's price from `effectiveAt` (default: now; never in the past) and tells every customer at once,
     * in-site and by email. Prices are never deleted: to call off a scheduled change, set the current price again for
     * the same instant (the later setting wins).
     */
    async schedulePrice(input: {
      product: Product;
      amountFen: number;
      effectiveAt?: string | undefined;
      reason: string;
      actor: string;
    }): Promise<{ price: Price; notified: number | null }> {
      const reason = requiredReason(input.reason);
      const price = await pricing.setPrice({
        product: input.product,
        amountFen: input.amountFen,
        effectiveAt: input.effectiveAt,
        actor: input.actor,
        reason,
      });
      let notified: number | null = null;
      const request = {
        orgIds: 'all',
        kind: 'price.scheduled',
        data: { product: price.product, price_fen: price.amountFen, effective_at: price.effectiveAt },
        email: true,
      } as const;
      try {
        ({ count: notified } = await notices.notify(request));
      } catch (error) {
        // The price is set; the operator sees that the notice did not go out (notified: null), the log says why.
        onError?.(error, request);
      }
      return { price, notified };
    },

    prices: () => pricing.list(),
  };
}

export type FinanceDesk = ReturnType<typeof createFinanceDesk>;
