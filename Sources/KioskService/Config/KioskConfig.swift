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
