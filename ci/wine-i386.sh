#!/bin/sh
# The x86 tests' emulator when 32-bit Wine lives in the i386 root (ci/i386-root.sh): runs
# the 32-bit Wine there, in the current directory, with this environment.
exec "$(dirname "$0")/i386-root.sh" exec /usr/lib/wine/wine "$@"
