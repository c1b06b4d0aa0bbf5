import Foundation
import KioskCore
import KioskDevices

/// The whole installation, as one TOML file describes it.
public struct KioskConfig: Sendable {
    /// The file it was read from.
    public var file: String
    public var centreName: String
    /// The centre's code, unique in the province (`[centre] code`): its name in the central database.
    public var centreCode: String?
    public var rules: QueueRules
    public var databasePath: String
    /// The database never grows past this (`[database] max_size_mb`); nil: as the disk allows.
    public var databaseMaxMB: Int?
    public var http: HTTPSettings
    /// Where `kiosk officer sign-in` and friends reach the running daemon.
    public var controlSocket: String
    public var printer: PrinterSettings?
    public var ticket: TicketLayout
    public var keypads: [KeypadSettings]
    /// What the citizen sees after rating.
    public var thanks = ThanksSettings()
    /// Counter LED boards.
    public var boards: [BoardSettings] = []
    /// Calls spoken aloud; nil when `[voice]` is absent.
    public var voice: VoiceSettings?
    /// Logins to the pages.
    public var accounts = AccountSettings()
    /// The nightly backup; nil when `[backup]` is absent.
    public var backup: BackupSettings?
    /// A folder of officers' photos, `<officer id>.jpg` or `.png`, for the counter screens (`[display] photos`).
    public var officerPhotos: String?
    /// The central PostgreSQL this box reports to; nil when `[province]` is absent.
    public var province: ProvinceSettings?

    public var timeZone: TimeZone { rules.timeZone }
}

/// Logins to the staff pages: the bcrypt cost, how long a session lasts, when an account locks.
public struct AccountSettings: Sendable, Equatable {
    /// bcrypt's work factor: each step doubles a login's time (and a guesser's).
    public var bcryptCost = 11
    /// A login lasts a working day; then the person logs in again.
    public var sessionHours = 10
    /// Wrong passwords in a row before the account locks (for a minute, doubling each time).
    public var lockAfterFailures = 5
    /// Wrong passwords from one address within 10 minutes before that address must wait.
    public var failuresPerAddress = 20
    /// Changes over the staff pages (a counter's actions, account changes, reprints) per
    /// minute, per account and per address: a toggle sent thousands of times would fill the database.
    public var actionsPerMinute = 60
    public var actionsPerAddressPerMinute = 120

    public init() {}
}

/// The thanks after a rating press, on the counter's screen and board.
public struct ThanksSettings: Sendable, Equatable {
    public var message = "Xin cảm ơn Ông/Bà đã đánh giá!"
    /// What the LED board shows meanwhile (boards show ASCII).
    public var board = "CAM ON"
    public var seconds = 5
    /// When a press asks for a reason: what the counter screen asks above the numbered
    /// reasons, what the LED board shows, and whether the voice says the question.
    public var reasonPrompt = "Vui lòng cho biết lý do"
    public var reasonBoard = "LY DO?"
    public var reasonSpoken = false

    public init() {}
}

/// The web server and its limits: the hall's LAN is not trusted (any browser on it can
/// send requests), and the printer must keep its file descriptors whatever arrives.
public struct HTTPSettings: Sendable, Equatable {
    public var host: String
    public var port: Int
    /// Open connections at once; past it new ones wait in the kernel's queue.
    public var maxConnections = 256
    /// From one address: one machine cannot take every connection.
    public var maxConnectionsPerAddress = 32
    /// Live display streams (hall TVs, counter screens) at once.
    public var maxDisplayClients = 64
    /// A connection that sends no request for this long is closed.
    public var idleSeconds = 30
    /// Tickets from one machine's touch kiosk page: per service, and in all, within `ticketWindowSeconds`.
    public var ticketsPerService = 3
    public var ticketsOverall = 10
    public var ticketWindowSeconds = 20

    /// Addresses that may read `/metrics` without a session (an admin's session reads it from anywhere).
    public var metricsAddresses = ["127.0.0.1", "::1"]
    /// HTTPS for the staff pages: a second listener with this certificate chain and key (PEM).
    public var tls: TLSSettings?

    public struct TLSSettings: Sendable, Equatable {
        public var host: String
        public var port: Int
        public var certificate: String
        public var key: String
    }

    public init(host: String, port: Int) {
        self.host = host
        self.port = port
    }
}

public struct PrinterSettings: Sendable, Equatable {
    /// `/dev/usb/lp0`, `/dev/ttyUSB0`, `tcp://192.168.1.50:9100`, or a file.
    public var path: String
    public var baud: Int
    public var rtsCts: Bool
    public var profile: PrinterProfile
    public var onFailure: PrintFailurePolicy
    /// One ticket's time, from the press to the last byte (plus the bytes' time on a serial line).
    public var deadlineSeconds = 5
}

/// What happens to a ticket the printer could not print.
public enum PrintFailurePolicy: String, Sendable, Equatable, CaseIterable {
    /// A printer that says it cannot print uses no number; a ticket that fails after its
    /// number was stored is voided. The kiosk page and the log say why.
    case refuse
    /// The number is issued, marked failed, and can be reprinted (`kiosk reprint`).
    case issueAndFlag = "issue-and-flag"
}

/// What a ticket says besides its number.
public struct TicketLayout: Sendable, Equatable {
    public var title: String
    public var footer: [String]
    /// A QR code's content, with `{number}`, `{day}`, `{service}`, `{id}` filled in; none by default.
    public var qrURL: String?

    public init(title: String, footer: [String], qrURL: String? = nil) {
        self.title = title
        self.footer = footer
        self.qrURL = qrURL
    }
}

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

public struct KioskKey: Sendable, Equatable {
    public var service: ServiceCode
    public var priority: Bool

    public init(service: ServiceCode, priority: Bool) {
        self.service = service
        self.priority = priority
    }
}

/// What an officer's key can do, by its name in the config.
public enum OfficerAction: String, Sendable, CaseIterable {
    case next, recall, finish, hold
    case noShow = "no-show"
    case returnHeld = "return"

    public func command(at counter: CounterNumber) -> QueueCommand {
        switch self {
        case .next: .callNext(counter: counter)
        case .recall: .recall(counter: counter)
        case .finish: .finish(counter: counter, outcome: .served)
        case .hold: .hold(counter: counter)
        case .noShow: .noShow(counter: counter)
        case .returnHeld: .returnHeld(counter: counter, display: nil)
        }
    }
}
