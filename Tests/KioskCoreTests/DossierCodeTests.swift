import Testing

@testable import KioskCore

@Suite struct DossierCodeTests {
    @Test func theNationalFormat() {
        for code in ["000.00.12.H56-250701-0001", "123.45.67.A00-991231-9999"] { #expect(DossierCode.looksNational(code), "\(code)") }
        for code in [
            "", "000.00.12.H56-250701-001", "000.00.12.h56-250701-0001", "00.00.12.H56-250701-0001",
            "000.00.12.H56250701-0001", "000.00.12.H5X-250701-0001", "A015", "000.00.12.H56-2507O1-0001",
        ] {
            #expect(!DossierCode.looksNational(code), "\(code)")
        }
    }
}
