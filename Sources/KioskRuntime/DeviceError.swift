#if canImport(Glibc)
    import Glibc
#endif

/// A failed system call on a device, with what was attempted where.
public struct DeviceError: Error, CustomStringConvertible, Equatable {
    public let path: String
    public let operation: String
    public let errno: Int32

    public init(path: String, operation: String, errno: Int32) {
        self.path = path
        self.operation = operation
        self.errno = errno
    }

    public var description: String {
        "\(path): \(operation) failed: \(String(cString: strerror(errno))) (errno \(errno))"
    }

    /// The device is gone (unplugged) rather than merely busy.
    public var deviceVanished: Bool { errno == ENODEV || errno == ENXIO || errno == ENOENT || errno == EIO }
}

/// Runs a system call, retrying on `EINTR` and turning -1 into a `DeviceError`.
@discardableResult
public func syscall<T: BinaryInteger>(_ path: String, _ operation: String, _ body: () -> T) throws(DeviceError) -> T {
    while true {
        let result = body()
        if result != -1 { return result }
        let code = Glibc.errno
        if code == EINTR { continue }
        throw DeviceError(path: path, operation: operation, errno: code)
    }
}
