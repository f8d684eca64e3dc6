#!/usr/bin/env bash
# Builds the classic VMM's guests (RV32IMA, bare metal on the `virt` board's memory map) with the Swift
# toolchain's clang and ld.lld into the directory given (default .build/images/classic). Nothing built is
# committed; the build is redone only when a source is newer than its output.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
out="${1:-$here/../../.build/images/classic}"
mkdir -p "$out"
# One build at a time: tests that run side by side all ask for the guests.
exec 9>"$out.lock"
flock 9
clang="$(command -v clang)"
lld="$(dirname "$clang")/ld.lld"
[ -x "$lld" ] || lld="$(command -v ld.lld)"
flags=(--target=riscv32 -march=rv32ima -mabi=ilp32 -mcmodel=medany -O2 -ffreestanding -fno-builtin -nostdlib
    -fno-pic -Wall -Werror)
# Supervisor-mode kernels start 4 MiB into RAM, where SBI firmware (sbi) enters them.
supervisor=" kernel0 exits userbusy os "
for guest in hello busy traps paging sbi kernel0 exits userbusy os; do
    target="$out/$guest.elf"
    script="$here/link.ld"
    [[ "$supervisor" == *" $guest "* ]] && script="$here/common/kernel.ld"
    [ -f "$here/$guest/$guest.ld" ] && script="$here/$guest/$guest.ld"
    if [ -f "$target" ] && [ -z "$(find "$here/$guest" "$here/common" "$here/kernel0" "$script" "$0" -newer "$target" -print -quit)" ]; then
        continue
    fi
    objects=()
    for source in "$here/common/start.S" "$here/$guest"/*.c "$here/$guest"/*.S; do
        [ -f "$source" ] || continue
        object="$out/$guest-$(basename "$(dirname "$source")")-$(basename "$source").o"
        "$clang" "${flags[@]}" -c "$source" -o "$object"
        objects+=("$object")
    done
    "$lld" -m elf32lriscv -T "$script" --no-relax -o "$target.tmp" "${objects[@]}"
    rm -f "${objects[@]}"
    mv "$target.tmp" "$target"
done
# The built-in riscv32 AMI's root disk: 64 MiB, sparse (the os finds it; what it keeps there comes later).
[ -f "$out/os-root.raw" ] || truncate -s 64M "$out/os-root.raw"
