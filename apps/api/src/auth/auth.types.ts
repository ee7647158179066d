import type { AccountRole } from '@app/domain';

/** What a verified bearer token or session cookie tells about the caller. */
export interface CurrentAccount {
  id: string;
  email: string;
  role: AccountRole;
  displayName: string;
}

export interface TokenPayload {
  sub: string;
  email: string;
  role: AccountRole;
  name: string;
  /** The account's session version when issued; absent in tokens older than issue 13 (read as 0). */
  ver?: number;
}
