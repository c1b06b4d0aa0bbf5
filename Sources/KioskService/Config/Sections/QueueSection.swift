import KioskCore

extension QueueRules {
    /// `[queue]`: how priority tickets are called, and how often a number may be called again.
    mutating func readQueueSection(_ top: TableReader) throws(ConfigError) {
        guard let t = try top.table("queue") else { return }
        let policyName = try t.string("priority_policy", default: "interleave")
        switch policyName {
        case "strict": priorityPolicy = .strict
        case "interleave": priorityPolicy = .interleave(normalCalls: try t.int("normal_calls_per_priority", default: 3, in: 1...100))
        default: throw t.error("priority_policy", "\(policyName) is not a policy: use \"strict\" or \"interleave\"")
        }
        recallLimit = try t.int("recall_limit", default: Self.defaultRecallLimit, in: 0...20)
        try t.finish()
    }
}
