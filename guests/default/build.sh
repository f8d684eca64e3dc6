#!/usr/bin/env bash
# Builds the default AMI from Debian's packages: the kernel of linux-image-cloud-amd64, uncompressed (QEMU's
# microvm boots it through its PVH entry), an initramfs of busybox-static, the virtio-mmio drivers and this
# folder's init, and a small ext4 root disk. Nothing here is committed as a binary; the output is rebuilt
# when this folder changes.
#
# Usage: guests/default/build.sh [OUTPUT-DIRECTORY]   (default: .build/images/default)
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
repo="$(cd "$here/../.." && pwd)"
out="${1:-$repo/.build/images/default}"

# One build at a time (tests may ask for the image concurrently).
mkdir -p "$(dirname "$out")"
exec 9>"$out.lock"
flock 9

# The output's stamp: a hash of this folder. Same stamp, nothing to do.
stamp="$(cat "$here"/build.sh "$here"/init "$here"/udhcpc.script "$here"/power-off | sha256sum | cut -c1-16)"
if [ -f "$out/stamp" ] && [ "$(cat "$out/stamp")" = "$stamp" ] \
    && [ -f "$out/vmlinux" ] && [ -f "$out/initrd.img" ] && [ -f "$out/root.raw" ]; then
    exit 0
fi

for tool in apt-get dpkg-deb cpio mkfs.ext4 lz4 xz zstd gzip; do
    command -v "$tool" >/dev/null || { echo "build.sh: $tool is missing (scripts/install-deps.sh installs it)" >&2; exit 1; }
done

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
cd "$work"

# The kernel package the cloud metapackage names today, and busybox.
if ! apt-cache show linux-image-cloud-amd64 >/dev/null 2>&1; then
    [ "$(id -u)" -eq 0 ] || { echo "build.sh: apt's package lists are missing; run apt-get update as root" >&2; exit 1; }
    apt-get update -qq
fi
kernel_package="$(apt-cache depends linux-image-cloud-amd64 | awk '/Depends: linux-image-/ {print $2; exit}')"
echo "build.sh: downloading $kernel_package and busybox-static" >&2
apt-get download -qq -o APT::Sandbox::User="$(id -un)" "$kernel_package" busybox-static
dpkg-deb -x linux-image-*.deb kernel
dpkg-deb -x busybox-static_*.deb busybox
version="$(ls kernel/lib/modules)"

# vmlinuz is a bzImage: find the compressed kernel in it and unpack the ELF (as the kernel's
# scripts/extract-vmlinux does).
vmlinuz="kernel/boot/vmlinuz-$version"
extract() {
    local magic="$1" command="$2" offset
    for offset in $(LC_ALL=C grep -obUaP "$magic" "$vmlinuz" | cut -d: -f1 | head -5); do
        tail -c +$((offset + 1)) "$vmlinuz" | $command > vmlinux 2>/dev/null || true
        if [ "$(head -c 4 vmlinux | od -An -c | tr -d ' ')" = "177ELF" ]; then return 0; fi
    done
    return 1
}
extract '\x02\x21\x4c\x18' "lz4 -dc" || extract '\x28\xb5\x2f\xfd' "zstd -dc" \
    || extract '\xfd\x37\x7a\x58\x5a\x00' "xz -dc" || extract '\x1f\x8b\x08' "gzip -dc" \
    || { echo "build.sh: no kernel found inside $vmlinuz" >&2; exit 1; }

# The initramfs: busybox, the drivers the init loads, the init and its DHCP hook.
root="initramfs"
mkdir -p "$root"/{bin,dev,etc,lib/modules,proc,sys,mnt,run,tmp,var,www}
cp busybox/bin/busybox "$root/bin/busybox"
for module in virtio_ring virtio virtio_mmio virtio_blk virtio_pci_modern_dev virtio_pci_legacy_dev virtio_pci failover net_failover virtio_net virtio_console evdev button; do
    cp "$(find "kernel/lib/modules/$version" -name "$module.ko" | head -1)" "$root/lib/modules/"
done
cp "$here/init" "$root/init"
cp "$here/udhcpc.script" "$root/etc/udhcpc.script"
# busybox acpid's built-in table maps the power button to the handler PWRF/00000080 in its directory.
mkdir -p "$root/etc/acpi/PWRF"
cp "$here/power-off" "$root/etc/acpi/PWRF/00000080"
chmod 0755 "$root/init" "$root/etc/udhcpc.script" "$root/etc/acpi/PWRF/00000080"
# Uncompressed: under TCG, unpacking a compressed initramfs costs more than reading a larger one.
(cd "$root" && find . | cpio -o -H newc --quiet) > initrd.img

# The root disk: a small ext4 file system the instance's root volume starts as.
mkdir -p disk/etc
echo "iaas default AMI, kernel $version" > disk/etc/iaas-release
mkfs.ext4 -q -F -L iaas-root -E root_owner=0:0 -d disk root.raw 64M >/dev/null

mkdir -p "$out"
for file in vmlinux initrd.img root.raw; do
    cp --sparse=always "$file" "$out/$file.tmp"
    mv "$out/$file.tmp" "$out/$file"
done
echo "$version" > "$out/kernel-version"
echo "$stamp" > "$out/stamp"
echo "build.sh: the default AMI is in $out (kernel $version)" >&2
