#!/usr/bin/env bash
# Installs Debian's `chromium` for the browser test of the HTML report (tests/report.rs), when it is
# missing and apt-get can be used. Never fails: without Chromium that test skips with a message.
set -u
for name in chromium chromium-browser google-chrome google-chrome-stable; do
  if command -v "$name" >/dev/null 2>&1; then
    echo "install-chromium: $name is already installed ($(command -v "$name"))"
    exit 0
  fi
done
if ! command -v apt-get >/dev/null 2>&1; then
  echo "install-chromium: no apt-get here; the browser test will skip" >&2
  exit 0
fi
sudo=""
if [ "$(id -u)" -ne 0 ]; then
  if command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
    sudo="sudo -n"
  else
    echo "install-chromium: not root and no password-less sudo; the browser test will skip" >&2
    exit 0
  fi
fi
if $sudo apt-get update -q && DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -q chromium; then
  echo "install-chromium: installed $(command -v chromium)"
else
  echo "install-chromium: could not install chromium; the browser test will skip" >&2
fi
exit 0
