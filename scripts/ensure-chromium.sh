#!/usr/bin/env bash
# The dashboard's browser tests (test/browser/) drive Debian's Chromium at /usr/bin/chromium. `npm test` runs this
# first: where Chromium is missing and we are root on Debian (CI, a fresh machine), it installs the package;
# elsewhere it says how to get it, and the browser tests fail with the same advice.
set -euo pipefail
[ -x "${ORDERFLOW_CHROMIUM:-/usr/bin/chromium}" ] && exit 0
if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
  echo "installing Debian's chromium for the browser tests" >&2
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
else
  echo "the browser tests need Chromium at /usr/bin/chromium: sudo apt-get install chromium" >&2
fi
