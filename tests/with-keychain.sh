#!/bin/sh
# Runs a command with a reachable, unlocked OS keychain: on Linux without a session bus (CI, SSH, containers)
# it starts a private D-Bus session with gnome-keyring, so keychain tests use the real secret service.
if [ "$(uname)" = "Linux" ] && [ -z "${DBUS_SESSION_BUS_ADDRESS:-}" ] \
  && command -v dbus-run-session >/dev/null 2>&1 && command -v gnome-keyring-daemon >/dev/null 2>&1; then
  exec dbus-run-session -- sh -c 'printf x | gnome-keyring-daemon --unlock --components=secrets >/dev/null 2>&1; exec "$@"' sh "$@"
fi
exec "$@"
