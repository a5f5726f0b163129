import { inboxStorage } from '../inbox/inbox-tables';
import { presenceStorage } from '../presence/presence-keys';
import type { ProjectionName } from '../projection-names';
import { pushStorage } from '../push/push-tables';
import { searchStorage } from '../search/search-tables';
import { timelineStorage } from '../timeline/timeline-tables';
import type { VersionStorage } from './version-storage';

/** Where each view's versions live. Keyed by every projection name: none can be left out. */
export const VERSION_STORAGE: Record<ProjectionName, VersionStorage> = {
  inbox: inboxStorage,
  timeline: timelineStorage,
  presence: presenceStorage,
  search: searchStorage,
  push: pushStorage,
};
