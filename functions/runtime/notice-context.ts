// The parts of the configuration customer messages need.
import type { Deps } from './deps';
import type { NoticeContext } from '../domain/notices';

export const noticeContext = async (deps: Deps): Promise<NoticeContext> => ({
  publicBaseUrl: deps.config.publicBaseUrl,
  trackingLinkSecret: await deps.trackingLinkSecret(),
  store: deps.config.store,
  returnWindowDays: deps.config.durations.returnWindowDays,
});
