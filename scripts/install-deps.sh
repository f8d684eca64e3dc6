#!/usr/bin/env bash
# Installs the Debian packages iaas needs to build and run, when they are missing.
# As root it installs them; otherwise it names them and fails, so nothing half-works.
set -euo pipefail

# SQLite for the store; QEMU for instances; the tools guests/default/build.sh makes the default AMI with;
# libxml2 for Foundation's XML parser (S3's request documents on the HTTP listener).
# iproute2, nftables, dnsmasq-base, util-linux (nsenter), procps (sysctl) and curl: the VPC data plane and its tests.
# qemu-system-misc: qemu-system-riscv32, the reference the classic VMM's guests are checked against.
packages=(libsqlite3-dev sqlite3 qemu-system-x86 qemu-system-misc cpio e2fsprogs lz4 zstd xz-utils libxml2 iproute2 nftables dnsmasq-base util-linux procps curl)

missing=()
for package in "${packages[@]}"; do
    if ! dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed"; then
        missing+=("$package")
    fi
done

if [ ${#missing[@]} -eq 0 ]; then
    exit 0
fi

if [ "$(id -u)" -ne 0 ]; then
    echo "iaas needs these Debian packages: ${missing[*]}" >&2
    echo "Install them with: sudo apt-get install -y ${missing[*]}" >&2
    exit 1
fi

echo "Installing ${missing[*]}" >&2
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${missing[@]}"
