import { SetMetadata } from '@nestjs/common';
import type { Role } from '#libs/config';

export const ALLOWED_ROLES = 'ledger:allowed-roles';

/** The roles that may run an operation besides ADMIN. Operations without it are ADMIN-only. */
export const Allow = (...roles: Exclude<Role, 'ADMIN'>[]) => SetMetadata(ALLOWED_ROLES, roles);
