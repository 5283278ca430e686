import type { AccountBook } from './accounts/account-book';
import type { DeviationLog } from './deviations';
import type { DeviceControl } from './devices/control';
import type { GroupBook } from './accounts/groups';
import type { OAuthCodes } from './accounts/oauth-codes';
import type { DeviceHistory } from './devices/history';
import type { UnboundPool } from './devices/unbound-pool';
import type { ShareBook } from './accounts/sharing';
import type { PendingTimers } from './pending-timers';
import type { Politeness } from './politeness';
import type { RequestHold } from './request-hold';
import type { StatsRecorder } from './stats';
import type { TokenBook } from './accounts/tokens';
import type { VerificationCodes } from './accounts/verification-codes';
import type { AppKind, SimFaults } from './types';

/** The config with its defaults filled in. */
export interface SimSettings {
  readonly appId: string;
  readonly appSecret: string;
  readonly appKind: AppKind;
  /** Where the login page may send people back to, exactly as registered. */
  readonly redirectUrls: readonly string[];
  readonly deviceTimeoutMs: number;
  readonly idleTimeoutSec: number;
  readonly dispatchDomain: string;
  readonly shareTimeoutMs: number;
  /** Known once the server is bound. */
  dispatchPort: number;
}

/** What the HTTP routes and the socket sessions share. */
export interface SimContext {
  readonly settings: SimSettings;
  readonly book: AccountBook;
  readonly tokens: TokenBook;
  readonly faults: SimFaults;
  readonly stats: StatsRecorder;
  readonly deviations: DeviationLog;
  readonly timers: PendingTimers;
  readonly control: DeviceControl;
  readonly codes: VerificationCodes;
  readonly shares: ShareBook;
  readonly groups: GroupBook;
  readonly history: DeviceHistory;
  readonly pool: UnboundPool;
  readonly oauthCodes: OAuthCodes;
  /** The real cloud's limits per caller and endpoint: crossings counted, refused while enforced. */
  readonly politeness: Politeness;
  /** Where cloud HTTP requests wait while `faults.hangHttp` is on. */
  readonly hold: RequestHold;
}
