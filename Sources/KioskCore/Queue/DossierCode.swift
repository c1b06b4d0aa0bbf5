/// A dossier's code (mã hồ sơ) as Vietnam's national public service system prints it on
/// the receipt: `V1V2V3.Z1Z2.Y1Y2.MX1X2-YYMMDD-XXXX`, e.g. `000.00.12.H56-250701-0001`
/// (the agency's code, then the receiving date and a serial). What a scanner reads is stored
/// as it is; this only says whether it looks like one, for a warning in the log.
public enum DossierCode {
    public static func looksNational(_ code: String) -> Bool {
        let parts = code.split(separator: "-", omittingEmptySubsequences: false)
        guard parts.count == 3, parts[1].count == 6, parts[2].count == 4,
            parts[1].allSatisfy(\.isASCIIDigit), parts[2].allSatisfy(\.isASCIIDigit)
        else { return false }
        let agency = parts[0].split(separator: ".", omittingEmptySubsequences: false)
        guard agency.count == 4, agency[0].count == 3, agency[1].count == 2, agency[2].count == 2, agency[3].count == 3,
            agency[0...2].allSatisfy({ $0.allSatisfy(\.isASCIIDigit) }),
            let letter = agency[3].first, letter.isASCII, letter.isUppercase,
            agency[3].dropFirst().allSatisfy(\.isASCIIDigit)
        else { return false }
        return true
    }
}

extension Character {
    var isASCIIDigit: Bool { isASCII && isNumber }
}
