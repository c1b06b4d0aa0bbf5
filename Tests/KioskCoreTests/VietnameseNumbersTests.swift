import KioskCore
import Testing

@Suite struct VietnameseNumbersTests {
    @Test(arguments: [
        (0, "không"), (5, "năm"), (10, "mười"), (11, "mười một"), (14, "mười bốn"), (15, "mười lăm"), (20, "hai mươi"),
        (21, "hai mươi mốt"), (24, "hai mươi tư"), (25, "hai mươi lăm"), (55, "năm mươi lăm"), (100, "một trăm"),
        (101, "một trăm linh một"), (105, "một trăm linh năm"), (110, "một trăm mười"), (115, "một trăm mười lăm"),
        (999, "chín trăm chín mươi chín"), (1000, "một nghìn"), (1005, "một nghìn không trăm linh năm"),
        (1010, "một nghìn không trăm mười"), (1015, "một nghìn không trăm mười lăm"),
        (1023, "một nghìn không trăm hai mươi ba"), (1100, "một nghìn một trăm"), (2024, "hai nghìn không trăm hai mươi tư"),
        (9999, "chín nghìn chín trăm chín mươi chín"), (12005, "mười hai nghìn không trăm linh năm"),
    ])
    func numbersAreSpelledAsSaid(number: Int, words: String) {
        #expect(VietnameseNumbers.words(number) == words)
    }

    @Test func ticketNumbersKeepTheirLetters() {
        #expect(VietnameseNumbers.ticket("A015") == "a mười lăm")
        #expect(VietnameseNumbers.ticket("B101") == "bê một trăm linh một")
        #expect(VietnameseNumbers.ticket("1023") == "một nghìn không trăm hai mươi ba")
        #expect(VietnameseNumbers.ticket("HT5") == "hát tê năm")
    }
}
