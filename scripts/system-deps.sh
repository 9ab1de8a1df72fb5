#!/usr/bin/env bash
# The Debian packages the test suite talks to: real MicroPython firmware on an emulated micro:bit
# (qemu-system-arm + firmware-microbit-micropython), a real SAM-BA client (bossa-cli), socat for ptys,
# and for the WiPy's FTP: Debian's FTP clients (tnftp, lftp, curl) and servers (python3-pyftpdlib, vsftpd run unprivileged).
# Installs only what is missing; needs root (CI runs as root) or sudo.
set -euo pipefail
need=()
command -v qemu-system-arm >/dev/null 2>&1 || need+=(qemu-system-arm)
[ -f /usr/share/firmware-microbit-micropython/firmware.hex ] || need+=(firmware-microbit-micropython)
command -v bossac >/dev/null 2>&1 || need+=(bossa-cli)
command -v socat >/dev/null 2>&1 || need+=(socat)
# The WiPy tests: real FTP clients against the simulator, and a real FTP server for tspy's client.
/usr/bin/python3 -c "import pyftpdlib" >/dev/null 2>&1 || need+=(python3-pyftpdlib)
command -v lftp >/dev/null 2>&1 || need+=(lftp)
command -v tnftp >/dev/null 2>&1 || need+=(tnftp)
command -v curl >/dev/null 2>&1 || need+=(curl)
[ -x /usr/sbin/vsftpd ] || need+=(vsftpd)
[ ${#need[@]} -eq 0 ] && exit 0
sudo=""
[ "$(id -u)" -eq 0 ] || sudo="sudo"
echo "installing: ${need[*]}"
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -q </dev/null
$sudo apt-get install -y -q --no-install-recommends "${need[@]}" </dev/null
