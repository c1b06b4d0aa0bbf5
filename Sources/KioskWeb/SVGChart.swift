import Foundation

/// Bar charts drawn by the daemon as SVG: no script library, nothing fetched from elsewhere.
/// Sized for a leader's screen, labelled in Vietnamese, readable without colour (values are
/// written on the bars).
enum SVGChart {
    struct Bar {
        var label: String
        var value: Double
        /// What is written at the bar (the value, formatted).
        var text: String
    }

    /// Vertical bars (hours of the day, months of the year).
    static func columns(_ bars: [Bar], title: String, maximum: Double? = nil, width: Int = 720, height: Int = 260) -> String {
        let top = 34.0
        let bottom = 36.0
        let left = 10.0
        let plotHeight = Double(height) - top - bottom
        let slot = (Double(width) - 2 * left) / Double(max(bars.count, 1))
        let largest = max(maximum ?? 0, bars.map(\.value).max() ?? 0, 1e-9)
        var out = header(title: title, width: width, height: height)
        for (i, bar) in bars.enumerated() {
            let h = plotHeight * max(0, bar.value) / largest
            let x = left + Double(i) * slot
            let y = top + plotHeight - h
            out +=
                "<rect x=\"\(f(x + slot * 0.15))\" y=\"\(f(y))\" width=\"\(f(slot * 0.7))\" height=\"\(f(h))\" fill=\"#13315c\"><title>\(escape(bar.label)): \(escape(bar.text))</title></rect>"
            out += "<text x=\"\(f(x + slot / 2))\" y=\"\(f(y - 4))\" text-anchor=\"middle\" font-size=\"12\">\(escape(bar.text))</text>"
            out +=
                "<text x=\"\(f(x + slot / 2))\" y=\"\(f(Double(height) - bottom + 16))\" text-anchor=\"middle\" font-size=\"12\">\(escape(bar.label))</text>"
        }
        return out + "</svg>"
    }

    /// Horizontal bars (one per officer), on a 0–100 % scale.
    static func rows(_ bars: [Bar], title: String, width: Int = 720) -> String {
        let rowHeight = 26.0
        let top = 34.0
        let labelWidth = 220.0
        let height = Int(top + rowHeight * Double(max(bars.count, 1)) + 10)
        let plotWidth = Double(width) - labelWidth - 70
        var out = header(title: title, width: width, height: height)
        for (i, bar) in bars.enumerated() {
            let y = top + Double(i) * rowHeight
            let w = plotWidth * min(max(bar.value, 0), 100) / 100
            out += "<text x=\"\(f(labelWidth - 8))\" y=\"\(f(y + 17))\" text-anchor=\"end\" font-size=\"13\">\(escape(bar.label))</text>"
            out +=
                "<rect x=\"\(f(labelWidth))\" y=\"\(f(y + 4))\" width=\"\(f(w))\" height=\"\(f(rowHeight - 8))\" fill=\"#2b9348\"><title>\(escape(bar.label)): \(escape(bar.text))</title></rect>"
            out += "<text x=\"\(f(labelWidth + w + 6))\" y=\"\(f(y + 17))\" font-size=\"13\">\(escape(bar.text))</text>"
        }
        if bars.isEmpty {
            out += "<text x=\"\(f(labelWidth))\" y=\"\(f(top + 17))\" font-size=\"13\">Chưa có đánh giá.</text>"
        }
        return out + "</svg>"
    }

    private static func header(title: String, width: Int, height: Int) -> String {
        "<svg xmlns=\"http://www.w3.org/2000/svg\" role=\"img\" aria-label=\"\(escape(title))\" width=\"100%\" viewBox=\"0 0 \(width) \(height)\" "
            + "font-family=\"DejaVu Sans, Arial, sans-serif\"><text x=\"10\" y=\"20\" font-size=\"16\" font-weight=\"bold\">\(escape(title))</text>"
    }

    private static func f(_ value: Double) -> String { String(format: "%.1f", value) }

    static func escape(_ text: String) -> String { StaffPage.escape(text) }
}
