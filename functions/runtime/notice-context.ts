// The parts of the configuration customer messages need.
import type { CoreDeps, TrackingLinkDeps } from './deps';
import type { NoticeContext } from '../domain/notices';

export const noticeContext = async (
  deps: Pick<CoreDeps, 'config'> & TrackingLinkDeps,
): Promise<NoticeContext> => ({
  publicBaseUrl: deps.config.publicBaseUrl,
  trackingLinkSecret: await deps.trackingLinkSecret(),
  store: deps.config.store,
  returnWindowDays: deps.config.durations.returnWindowDays,
});
