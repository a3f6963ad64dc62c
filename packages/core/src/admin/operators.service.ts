import type { User } from '../accounts/accounts.ports.js';
import type { OperatorRole } from '../accounts/operator-roles.js';
import type { Users } from '../accounts/users.service.js';
import type { AdminQueryRepository } from './admin.ports.js';

/** Operator accounts as an admin manages them in the console: a new one gets a generated password, shown once. */
export function createOperatorAdmin(ports: {
  queries: Pick<AdminQueryRepository, 'operators'>;
  users: Pick<Users, 'createOperator'>;
}) {
  const { queries, users } = ports;
  return {
    list: (): Promise<User[]> => queries.operators(),

    async create(input: {
      username: string;
      email?: string | undefined;
      role: OperatorRole;
      actor: string;
    }): Promise<{ user: User; password: string }> {
      const { user, generatedPassword } = await users.createOperator({
        username: input.username,
        role: input.role,
        ...(input.email === undefined ? {} : { email: input.email }),
        actor: input.actor,
      });
      return { user, password: generatedPassword! };
    },
  };
}

export type OperatorAdmin = ReturnType<typeof createOperatorAdmin>;
