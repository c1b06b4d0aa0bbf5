import CLibevdev
import Foundation
import KioskRuntime

#if canImport(Glibc)
    import Glibc
#endif

/// An input device as the kernel describes it: what `kiosk devices` lists and what a keypad
/// can be matched on.
public struct InputDeviceInfo: Sendable, Equatable {
    public var node: String
    /// Stable names udev made for it (`/dev/input/by-path/...`, `/dev/input/by-id/...`).
    public var links: [String]
    public var name: String
    public var phys: String
    public var uniq: String
    public var vendor: Int
    public var product: Int
    public var hasKeys: Bool
    /// Why it could not be read (permissions), if so.
    public var problem: String?
}

/// Where a keypad is: a path, or whatever device matches a name, phys or uniq.
public enum InputLocator: Sendable, Equatable, CustomStringConvertible {
    case path(String)
    case match(name: String?, phys: String?, uniq: String?)

    public var description: String {
        switch self {
        case .path(let p): p
        case .match(let name, let phys, let uniq):
            [name.map { "name=\($0)" }, phys.map { "phys=\($0)" }, uniq.map { "uniq=\($0)" }].compactMap { $0 }.joined(separator: " ")
        }
    }

    func matches(_ device: InputDeviceInfo) -> Bool {
        guard case .match(let name, let phys, let uniq) = self else { return false }
        return (name == nil || name == device.name) && (phys == nil || phys == device.phys) && (uniq == nil || uniq == device.uniq)
    }
}

public enum InputDevices {
    public static let folder = "/dev/input"

    /// Every `/dev/input/event*` node with its description.
    public static func scan(folder: String = folder) -> [InputDeviceInfo] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? []
        let nodes = names.filter { $0.hasPrefix("event") }
            .sorted { (Int($0.dropFirst(5)) ?? 0) < (Int($1.dropFirst(5)) ?? 0) }
            .map { "\(folder)/\($0)" }
        var links: [String: [String]] = [:]
        for sub in ["by-path", "by-id"] {
            let dir = "\(folder)/\(sub)"
            for link in (try? FileManager.default.contentsOfDirectory(atPath: dir)) ?? [] {
                let full = "\(dir)/\(link)"
                if let target = try? FileManager.default.destinationOfSymbolicLink(atPath: full) {
                    let resolved = URL(fileURLWithPath: target, relativeTo: URL(fileURLWithPath: dir + "/")).standardizedFileURL.path
                    links[resolved, default: []].append(full)
                }
            }
        }
        return nodes.map { describe($0, links: links[$0] ?? []) }
    }

    static func describe(_ node: String, links: [String]) -> InputDeviceInfo {
        var info = InputDeviceInfo(node: node, links: links.sorted(), name: "", phys: "", uniq: "", vendor: 0, product: 0, hasKeys: false)
        let fd = open(node, O_RDONLY | O_NONBLOCK | O_CLOEXEC)
        guard fd >= 0 else {
            info.problem = String(cString: strerror(errno))
            return info
        }
        defer { close(fd) }
        var dev: OpaquePointer?
        let rc = libevdev_new_from_fd(fd, &dev)
        guard rc == 0, let dev else {
            info.problem = String(cString: strerror(-rc))
            return info
        }
        defer { libevdev_free(dev) }
        info.name = libevdev_get_name(dev).map { String(cString: $0) } ?? ""
        info.phys = libevdev_get_phys(dev).map { String(cString: $0) } ?? ""
        info.uniq = libevdev_get_uniq(dev).map { String(cString: $0) } ?? ""
        info.vendor = Int(libevdev_get_id_vendor(dev))
        info.product = Int(libevdev_get_id_product(dev))
        info.hasKeys = libevdev_has_event_type(dev, UInt32(EV_KEY)) == 1
        return info
    }

    /// The node a locator points at now, or why there is none.
    static func resolve(_ locator: InputLocator) throws(DeviceError) -> String {
        switch locator {
        case .path(let path): return path
        case .match:
            guard let device = scan().first(where: { locator.matches($0) }) else {
                throw DeviceError(path: locator.description, operation: "find a matching input device", errno: ENOENT)
            }
            return device.node
        }
    }
}
