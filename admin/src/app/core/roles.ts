// What each role is called in the console.
import type { Role } from './api-types';

export const ROLE_LABELS: Record<Role, string> = {
  admin: $localize`:user role:Administrator`,
  user: $localize`:user role:User`,
};
