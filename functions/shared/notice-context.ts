// The parts of the configuration customer messages need.
import type { Deps } from './deps';
import type { NoticeContext } from './notices';

export const noticeContext = (deps: Deps): NoticeContext => ({
  publicBaseUrl: deps.config.publicBaseUrl,
  trackingLinkSecret: deps.config.trackingLinkSecret,
});
