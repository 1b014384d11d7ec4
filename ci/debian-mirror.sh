#!/usr/bin/env bash
# Print the Debian archive this host already uses (deb822 URIs: or one-line deb entries),
# else Debian's own.
set -uo pipefail
mirror=$( (grep -hE '^URIs:' /etc/apt/sources.list.d/*.sources 2>/dev/null | awk '{print $2}';
           grep -hE '^deb ' /etc/apt/sources.list 2>/dev/null | awk '{print $2}') |
          grep -E '/debian/?$' | head -n1)
echo "${mirror:-http://deb.debian.org/debian}"
