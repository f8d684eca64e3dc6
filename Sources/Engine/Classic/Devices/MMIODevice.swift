/// A device on the hart's bus: registers read and written at offsets of its window, 1, 2 or 4 bytes wide.
public protocol MMIODevice: AnyObject {
    /// The register's value; nil: no such register (an access fault).
    func read(offset: UInt32, width: Int) -> UInt32?
    /// False: no such register, or not writable (an access fault).
    func write(offset: UInt32, width: Int, value: UInt32) -> Bool
}
