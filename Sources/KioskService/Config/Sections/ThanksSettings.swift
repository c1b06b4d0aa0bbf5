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
