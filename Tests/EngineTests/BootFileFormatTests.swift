import Engine
import Foundation
import IaasTesting
import Testing

/// Kernels and ramdisks are judged by their bytes: what microvm boots (an x86-64 ELF with a PVH note) and
/// what the kernel unpacks as an initramfs.
@Suite("Boot file formats")
struct BootFileFormatTests {
    @Test func theDefaultAMIsKernelAndInitrdAreRecognized() throws {
        let directory = try GuestImage.directory()
        #expect(BootFileFormat.identify(.init(directory + "/vmlinux")) == .pvhKernel)
        #expect(BootFileFormat.identify(.init(directory + "/initrd.img")) == .initramfs)
    }

    @Test func otherFilesAreNamedForWhatTheyAre() {
        #expect(BootFileFormat.identify(.init("/bin/sh")) == .elfWithoutPVH, "an ELF with no PVH note")
        #expect(BootFileFormat.identify(.init("/nonexistent/kernel")) == nil)
        #expect(identify(Array("hello, world\n".utf8)) == .unknown)
        #expect(identify([]) == .unknown)
        #expect(identify([0x1f, 0x8b, 0x08, 0x00]) == .initramfs, "gzip")
        #expect(identify([0x28, 0xb5, 0x2f, 0xfd, 0x00]) == .initramfs, "zstd")
        #expect(identify(Array("070701000000".utf8)) == .initramfs, "cpio newc")
        var bzImage = [UInt8](repeating: 0, count: 0x300)
        bzImage.replaceSubrange(0x202..<0x206, with: Array("HdrS".utf8))
        #expect(identify(bzImage) == .bzImage)
        // An x86-64 ELF header whose program headers lie past the end: no PVH entry, and no crash.
        var elf = [UInt8](repeating: 0, count: 64)
        elf.replaceSubrange(0..<6, with: [0x7f, 0x45, 0x4c, 0x46, 2, 1])
        elf[18] = 62
        elf[32] = 0xff
        elf[33] = 0xff
        elf[54] = 56
        elf[56] = 0xff
        #expect(identify(elf) == .elfWithoutPVH)
    }

    private func identify(_ bytes: [UInt8]) -> BootFileFormat {
        BootFileFormat.identify { offset, count in
            offset + count <= bytes.count ? Array(bytes[offset..<offset + count]) : nil
        }
    }
}
