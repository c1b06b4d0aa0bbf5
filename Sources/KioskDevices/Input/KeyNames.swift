import CLibevdev

/// Kernel key names (`KEY_KP1`) and codes, as libevdev knows them.
public enum KeyNames {
    /// The code of a key name, exactly as the kernel spells it (case-sensitive); nil if unknown.
    public static func code(of name: String) -> UInt16? {
        guard name.hasPrefix("KEY_") || name.hasPrefix("BTN_") else { return nil }
        let code = libevdev_event_code_from_name(UInt32(InputEvent.evKey), name)
        return code < 0 ? nil : UInt16(code)
    }

    /// The kernel name of a key code, e.g. `KEY_KPENTER`.
    public static func name(of code: UInt16) -> String? {
        libevdev_event_code_get_name(UInt32(InputEvent.evKey), UInt32(code)).map { String(cString: $0) }
    }
}
