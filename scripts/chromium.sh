#!/usr/bin/env bash
# Debian's headless Chromium and its driver, for the browser tests of the HTML report.
#
#   scripts/chromium.sh install     install chromium and chromium-driver when /usr/bin/chromium is missing
#
# Why Debian's build: test tools' own browser downloads cannot run where only package registries
# are reachable, and Playwright drives this Chromium as well as its own.
set -euo pipefail

CHROMIUM=/usr/bin/chromium

die() { echo "chromium: $*" >&2; exit 1; }

install_browser() {
    [[ -x "$CHROMIUM" ]] && return 0
    [[ $EUID -eq 0 ]] || die "$CHROMIUM not found; install it (Debian: apt-get install chromium chromium-driver)"
    echo "chromium: installing the Debian chromium and chromium-driver packages" >&2
    DEBIAN_FRONTEND=noninteractive apt-get update -qq >&2
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium chromium-driver >&2
    [[ -x "$CHROMIUM" ]] || die "apt-get installed chromium but $CHROMIUM is missing"
}

case "${1:-}" in
    install) install_browser ;;
    *) die "usage: scripts/chromium.sh install" ;;
esac
