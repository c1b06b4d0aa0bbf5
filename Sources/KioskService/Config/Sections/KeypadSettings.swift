import KioskCore
import KioskDevices

/// A keypad and what its keys do.
public struct KeypadSettings: Sendable {
    public var name: String
    /// A stable path (`/dev/input/by-path/...`), or a match on name, phys or uniq.
    public var locator: InputLocator
    /// Take the keypad for ourselves, so its keys never reach the console.
    public var grab: Bool
    /// Debounce, and for kiosk keypads the limit per button.
    public var filter: PressFilter.Settings
    public var role: Role

    /// For logs and health: the path or the match.
    public var path: String { locator.description }

    public init(name: String, locator: InputLocator, grab: Bool, filter: PressFilter.Settings, role: Role, keyNames: [UInt16: String]) {
        self.name = name
        self.locator = locator
        self.grab = grab
        self.filter = filter
        self.role = role
        self.keyNames = keyNames
    }
    /// The kernel name of each bound key code, for logs and tools.
    public var keyNames: [UInt16: String]

    public enum Role: Sendable {
        /// The ticket kiosk: a key issues a ticket for a service, normal or priority.
        case kiosk(keys: [UInt16: KioskKey])
        /// An officer's keypad at a counter.
        case officer(counter: CounterNumber, keys: [UInt16: OfficerAction])
        /// A citizen's rating keypad at a counter: a key is a level (1 = best).
        case rating(counter: CounterNumber, keys: [UInt16: Int])
        /// A barcode scanner at a counter: each code it reads is a dossier of the ticket
        /// served there. A pause longer than `gap` seconds inside a code drops it.
        case scanner(counter: CounterNumber, gap: Double)
    }

    public var roleName: String {
        switch role {
        case .kiosk: "kiosk"
        case .officer: "officer"
        case .rating: "rating"
        case .scanner: "scanner"
        }
    }
}

extension KeypadSettings {
    /// `[[keypads]]`, their keys checked against the services, counters, rating scale and reasons.
    static func readAll(
        _ top: TableReader, services: [ServiceDefinition], counters: [CounterDefinition],
        scale: RatingScale, reasons: RatingReasons?
    ) throws(ConfigError) -> [KeypadSettings] {
        var keypads: [KeypadSettings] = []
        for t in try top.tables("keypads") {
            let name = try t.string("name")
            if keypads.contains(where: { $0.name == name }) { throw t.error("name", "two keypads are named \(name)") }
            let locator: InputLocator
            if t.has("path") {
                locator = .path(try t.path("path"))
            } else if t.has("match_name") || t.has("match_phys") || t.has("match_uniq") {
                locator = .match(
                    name: t.has("match_name") ? try t.string("match_name") : nil,
                    phys: t.has("match_phys") ? try t.string("match_phys") : nil,
                    uniq: t.has("match_uniq") ? try t.string("match_uniq") : nil)
            } else {
                throw t.error(
                    "path", "missing: give path = \"/dev/input/by-path/...\" (see `kiosk devices`), or match_name, match_phys or match_uniq"
                )
            }
            let grab = try t.bool("grab", default: true)
            var filter = PressFilter.Settings(debounce: Double(try t.int("debounce_ms", default: 50, in: 0...2000)) / 1000)
            let role = try t.string("role")
            if role == "kiosk" {
                filter.limit = try t.int("rate_limit_presses", default: 3, in: 1...100)
                filter.window = Double(try t.int("rate_limit_seconds", default: 20, in: 1...3600))
            }
            var names: [UInt16: String] = [:]

            /// Each key of a binding table, checked against libevdev's names.
            func bindings(_ key: String, required: Bool) throws(ConfigError) -> [(code: UInt16, entry: TOMLEntry, reader: TableReader)] {
                guard let keys = try t.table(key) else {
                    if required { throw t.error(key, "missing: add [\(t.name(key))] with lines like KEY_KP1 = ...") }
                    return []
                }
                var out: [(UInt16, TOMLEntry, TableReader)] = []
                for (keyName, entry) in keys.allEntries() {
                    guard let code = KeyNames.code(of: keyName) else {
                        throw keys.error(
                            keyName, "\(keyName) is not a kernel key name (like KEY_KP1 or KEY_KPENTER; `kiosk devices watch` shows them)")
                    }
                    if names[code] != nil { throw keys.error(keyName, "\(keyName) is bound twice on keypad \(name)") }
                    names[code] = keyName
                    out.append((code, entry, keys))
                }
                return out
            }
            func counter() throws(ConfigError) -> CounterNumber {
                let number = CounterNumber(try t.int("counter", in: 1...999))
                guard counters.contains(where: { $0.number == number }) else {
                    throw t.error("counter", "no counter \(number) is defined in [[counters]]")
                }
                return number
            }
            func text(_ entry: TOMLEntry, _ reader: TableReader, _ key: String) throws(ConfigError) -> String {
                guard case .string(let s) = entry.value else { throw reader.error(key, "expected a string, found \(entry.value.typeName)") }
                return s
            }

            let settingsRole: KeypadSettings.Role
            switch role {
            case "kiosk":
                var keys: [UInt16: KioskKey] = [:]
                for (label, priority) in [("keys", false), ("priority_keys", true)] {
                    for (code, entry, reader) in try bindings(label, required: label == "keys") {
                        let keyName = names[code]!
                        let service = try text(entry, reader, keyName)
                        guard services.contains(where: { $0.code.rawValue == service }) else {
                            throw reader.error(
                                keyName,
                                "no service has the code \(service) (known: \(services.map(\.code.rawValue).joined(separator: ", ")))")
                        }
                        keys[code] = KioskKey(service: ServiceCode(service), priority: priority)
                    }
                }
                settingsRole = .kiosk(keys: keys)
            case "officer":
                let number = try counter()
                var keys: [UInt16: OfficerAction] = [:]
                for (code, entry, reader) in try bindings("keys", required: true) {
                    let keyName = names[code]!
                    let actionName = try text(entry, reader, keyName)
                    guard let action = OfficerAction(rawValue: actionName) else {
                        throw reader.error(
                            keyName,
                            "\(actionName) is not an officer action: use one of \(OfficerAction.allCases.map(\.rawValue).joined(separator: ", "))"
                        )
                    }
                    keys[code] = action
                }
                settingsRole = .officer(counter: number, keys: keys)
            case "rating":
                let number = try counter()
                var keys: [UInt16: Int] = [:]
                for (code, entry, reader) in try bindings("keys", required: true) {
                    let keyName = names[code]!
                    // A key past the scale gives only a reason (a keypad with more keys than levels).
                    guard case .integer(let level) = entry.value, scale.level(level) != nil || reasons?.label(level) != nil else {
                        throw reader.error(
                            keyName,
                            "expected a rating level from 1 (\(scale.levels.first!.label)) to \(scale.count) (\(scale.levels.last!.label))"
                                + (reasons.map { ", or a reason up to \($0.labels.count)" } ?? ""))
                    }
                    keys[code] = level
                }
                settingsRole = .rating(counter: number, keys: keys)
            case "scanner":
                // Scanners type characters a few milliseconds apart, the same one twice in "00":
                // no debounce, and no key bindings.
                filter.debounce = 0
                settingsRole = .scanner(counter: try counter(), gap: Double(try t.int("gap_ms", default: 100, in: 10...2000)) / 1000)
            default:
                throw t.error("role", "\(role) is not a keypad role: use \"kiosk\", \"officer\", \"rating\" or \"scanner\"")
            }
            try t.finish()
            keypads.append(KeypadSettings(name: name, locator: locator, grab: grab, filter: filter, role: settingsRole, keyNames: names))
        }
        return keypads
    }
}
