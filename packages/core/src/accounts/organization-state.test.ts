import { describe, expect, it } from 'vitest';
import { certifications, organizationStatuses, type Certification, type OrganizationStatus } from './accounts.ports.js';
import {
  nextStanding,
  organizationState,
  organizationTransitions,
  type OrganizationTransition,
} from './organization-state.js';

const moves = Object.keys(organizationTransitions) as OrganizationTransition[];
const standings = organizationStatuses.flatMap((status) =>
  certifications.map((certification) => ({ certification, status })),
);
const label = (s: { certification: Certification; status: OrganizationStatus }) => `${s.certification}/${s.status}`;

describe('organisation state machine', () => {
  it('allows exactly the agreed transitions', () => {
    const allowed = standings.flatMap((from) =>
      moves.flatMap((move) => {
        const to = nextStanding(from, move);
        return to ? [`${label(from)} ${move} ${label(to)}`] : [];
      }),
    );
    expect(allowed.sort()).toEqual(
      [
        'registered/active submit pending/active',
        'rejected/active submit pending/active',
        'registered/active certify certified/active',
        'pending/active certify certified/active',
        'pending/active reject rejected/active',
        ...certifications.map((c) => `${c}/active suspend ${c}/suspended`),
        ...certifications.map((c) => `${c}/suspended resume ${c}/active`),
        ...certifications.map((c) => `${c}/active terminate ${c}/terminated`),
        ...certifications.map((c) => `${c}/suspended terminate ${c}/terminated`),
      ].sort(),
    );
  });

  it('shows the certification while active and the status otherwise', () => {
    expect(organizationState({ certification: 'pending', status: 'active' })).toBe('pending');
    expect(organizationState({ certification: 'certified', status: 'suspended' })).toBe('suspended');
    expect(organizationState({ certification: 'registered', status: 'terminated' })).toBe('terminated');
  });
});
