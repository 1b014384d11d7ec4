#!/bin/sh
# Stands in for the Wine emulator when a test's arch cannot run here: says why, and
# exits 77, which CTest reports as a skip (SKIP_RETURN_CODE).
echo "SKIPPED: $1"
exit 77
