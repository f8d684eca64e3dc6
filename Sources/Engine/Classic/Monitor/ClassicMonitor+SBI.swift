extension ClassicMonitor {
    static let sbiBase: UInt32 = 0x10
    static let sbiTime: UInt32 = 0x5449_4d45
    static let sbiReset: UInt32 = 0x5352_5354
    static let sbiNotSupported = UInt32(bitPattern: -2)

    /// An ECALL from the guest's supervisor mode: the SBI, as OpenSBI serves it (extension in a7, function
    /// in a6, arguments from a0; error in a0 and value in a1): the legacy console, timer and shutdown
    /// calls, BASE, TIME and SRST.
    func serveSBI() {
        counters.sbiCalls += 1
        let extensionID = hart[register: 17]
        let function = hart[register: 16]
        let a0 = hart[register: 10]
        let a1 = hart[register: 11]
        var error: UInt32 = 0
        var value: UInt32 = 0
        switch extensionID {
        case 0x00, Self.sbiTime: setTimer(UInt64(a1) << 32 | UInt64(a0))
        case 0x01: _ = uart.write(offset: 0, width: 1, value: a0 & 0xff)
        case 0x08, Self.sbiReset: shutdown = .poweredOff
        case Self.sbiBase:
            switch function {
            case 0: value = 2  // specification 0.2
            case 3: value = [Self.sbiBase, Self.sbiTime, Self.sbiReset].contains(a0) ? 1 : 0
            default: value = 0
            }
        default: error = Self.sbiNotSupported
        }
        if extensionID >= Self.sbiBase {
            hart[register: 10] = error
            hart[register: 11] = value
        }
    }

    /// The guest's timer: its supervisor timer interrupt is pending from `time` on, and not before.
    private func setTimer(_ time: UInt64) {
        guest.timerCompare = time
        guest.interruptPending &= ~(1 << 5)
        clint.timeCompare = time
    }
}
