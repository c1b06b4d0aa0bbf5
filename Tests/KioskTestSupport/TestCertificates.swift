import Foundation

/// A certificate authority of our own and a server certificate from it for 127.0.0.1, made
/// with openssl as a province or a centre's IT officer would; and a certificate from no CA of
/// ours for the same address (`rogue.crt`), as a machine posing as the server would have.
public enum TestCertificates {
    /// Writes `ca.crt`, `server.crt`, `server.key`, `rogue.crt` and `rogue.key` into `folder`.
    public static func make(in folder: String) throws {
        let ec = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes"]
        try "subjectAltName=IP:127.0.0.1,DNS:localhost\n".write(toFile: "\(folder)/san.cnf", atomically: true, encoding: .utf8)
        try openssl(
            ["req", "-x509"] + ec + [
                "-keyout", "\(folder)/ca.key", "-out", "\(folder)/ca.crt", "-days", "3",
                "-subj", "/CN=Test CA",
            ])
        try openssl(["req"] + ec + ["-keyout", "\(folder)/server.key", "-out", "\(folder)/server.csr", "-subj", "/CN=127.0.0.1"])
        try openssl([
            "x509", "-req", "-in", "\(folder)/server.csr", "-CA", "\(folder)/ca.crt", "-CAkey", "\(folder)/ca.key",
            "-CAcreateserial", "-out", "\(folder)/server.crt", "-days", "3", "-extfile", "\(folder)/san.cnf",
        ])
        try openssl(
            ["req", "-x509"] + ec + [
                "-keyout", "\(folder)/rogue.key", "-out", "\(folder)/rogue.crt", "-days", "3",
                "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1",
            ])
        chmod("\(folder)/server.key", 0o600)
    }

    private static func openssl(_ arguments: [String]) throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/openssl")
        process.arguments = arguments
        process.standardOutput = FileHandle(forWritingAtPath: "/dev/null")
        let errors = Pipe()
        process.standardError = errors
        try process.run()
        let text = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        guard process.terminationStatus == 0 else { throw PostgresFailure("openssl \(arguments.first ?? "") failed: \(text)") }
    }
}
