import Engine
import Testing

/// The PLIC's rules, worked by hand: priority over threshold, claim takes the best source out of pending,
/// and a level-triggered line still high at completion is pending again.
@Suite("PLIC")
struct PlicTests {
    @Test func claimTakesTheBestAndCompletionRearmsAHighLine() {
        let plic = Plic()
        let context = 1  // hart 0's supervisor mode
        _ = plic.write(offset: 4 * 3, width: 4, value: 1)  // source 3: priority 1
        _ = plic.write(offset: 4 * 8, width: 4, value: 2)  // source 8: priority 2
        _ = plic.write(offset: 0x2080, width: 4, value: 1 << 3 | 1 << 8)
        plic.setLine(3, high: true)
        plic.setLine(8, high: true)
        #expect(plic.interrupting(context: context))
        #expect(!plic.interrupting(context: 0), "not enabled for machine mode")
        #expect(plic.read(offset: 0x20_1004, width: 4) == 8, "the higher priority first")
        #expect(plic.read(offset: 0x20_1004, width: 4) == 3)
        #expect(plic.read(offset: 0x20_1004, width: 4) == 0 && !plic.interrupting(context: context), "both in service")
        plic.setLine(3, high: false)
        _ = plic.write(offset: 0x20_1004, width: 4, value: 3)
        _ = plic.write(offset: 0x20_1004, width: 4, value: 8)
        #expect(plic.read(offset: 0x1000, width: 4) == 1 << 8, "8's line is still high: pending again; 3's is low")
        _ = plic.write(offset: 0x20_1000, width: 4, value: 2)
        #expect(!plic.interrupting(context: context), "priority 2 does not pass threshold 2")
    }
}
