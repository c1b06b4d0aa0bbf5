import Foundation

/// Dates written as pages, file names, logs and HTTP headers show them, without Foundation's
/// date formatters: those load ICU's locale and calendar data, megabytes that then stay in
/// the daemon's memory for good. The gregorian calendar in a time zone is all this needs.
public enum DateText {
    /// `date` in `zone` by a pattern of `yyyy`, `MM`, `dd`, `HH`, `mm` and `ss`; every other
    /// character is copied (`"HH:mm dd/MM/yyyy"` → `"09:05 01/12/2026"`).
    public static func format(_ date: Date, in zone: TimeZone, _ pattern: String) -> String {
        let p = parts(of: date, in: zone)
        var out = ""
        var rest = Substring(pattern)
        let fields: [(String, Int, Int)] = [
            ("yyyy", p.year, 4), ("MM", p.month, 2), ("dd", p.day, 2),
            ("HH", p.hour, 2), ("mm", p.minute, 2), ("ss", p.second, 2),
        ]
        while let c = rest.first {
            if let (token, value, width) = fields.first(where: { rest.hasPrefix($0.0) }) {
                out += padded(value, width)
                rest = rest.dropFirst(token.count)
            } else {
                out.append(c)
                rest = rest.dropFirst()
            }
        }
        return out
    }

    /// RFC 9110's HTTP date: `Tue, 01 Dec 2026 23:59:43 GMT`.
    public static func http(_ date: Date) -> String {
        let p = parts(of: date, in: TimeZone(secondsFromGMT: 0)!)
        let days = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"]
        let months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
        return "\(days[p.weekday - 1]), \(padded(p.day, 2)) \(months[p.month - 1]) \(p.year) "
            + "\(padded(p.hour, 2)):\(padded(p.minute, 2)):\(padded(p.second, 2)) GMT"
    }

    /// ISO 8601 in UTC to the second: `2026-12-01T23:59:43Z`.
    public static func iso8601(_ date: Date) -> String {
        format(date, in: TimeZone(secondsFromGMT: 0)!, "yyyy-MM-ddTHH:mm:ss") + "Z"
    }

    private struct Parts { var year, month, day, hour, minute, second, weekday: Int }

    private static func parts(of date: Date, in zone: TimeZone) -> Parts {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = zone
        let c = calendar.dateComponents([.year, .month, .day, .hour, .minute, .second, .weekday], from: date)
        return Parts(
            year: c.year!, month: c.month!, day: c.day!, hour: c.hour!, minute: c.minute!, second: c.second!,
            weekday: c.weekday!)
    }

    private static func padded(_ value: Int, _ width: Int) -> String {
        let digits = String(value)
        return String(repeating: "0", count: max(0, width - digits.count)) + digits
    }
}
