import type { Certification, OrganizationStanding, OrganizationState } from './accounts.ports.js';

export function organizationState({ certification, status }: OrganizationStanding): OrganizationState {
  return status === 'active' ? certification : status;
}

/** Each transition and the state it leads to, as named in 'org.invalid_transition' details. */
export const organizationTransitions = {
  submit: 'pending',
  certify: 'certified',
  reject: 'rejected',
  suspend: 'suspended',
  resume: 'active',
  terminate: 'terminated',
} as const;
export type OrganizationTransition = keyof typeof organizationTransitions;

const certificationMoves: Record<'submit' | 'certify' | 'reject', { from: Certification[]; to: Certification }> = {
  submit: { from: ['registered', 'rejected'], to: 'pending' },
  certify: { from: ['pending', 'registered'], to: 'certified' },
  reject: { from: ['pending'], to: 'rejected' },
};

/** The standing after `transition`, or undefined when it is not allowed from `from`. */
export function nextStanding(
  from: OrganizationStanding,
  transition: OrganizationTransition,
): OrganizationStanding | undefined {
  switch (transition) {
    case 'suspend':
      return from.status === 'active' ? { ...from, status: 'suspended' } : undefined;
    case 'resume':
      return from.status === 'suspended' ? { ...from, status: 'active' } : undefined;
    case 'terminate':
      return from.status === 'terminated' ? undefined : { ...from, status: 'terminated' };
    default: {
      const move = certificationMoves[transition];
      // Certification moves only while the organisation is active: a suspended one is resumed first.
      return from.status === 'active' && move.from.includes(from.certification)
        ? { ...from, certification: move.to }
        : undefined;
    }
  }
}
