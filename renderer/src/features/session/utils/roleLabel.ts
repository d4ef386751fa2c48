import type { Role } from '../../../shared/api/ipcContract.ts';

const ROLE_LABELS: Record<Role, string> = { agent: 'Agent', manager: 'Manager', admin: 'Admin' };

export const roleLabel = (role: Role): string => ROLE_LABELS[role];
