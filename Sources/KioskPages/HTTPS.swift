import Hummingbird
import NIOSSL

/// What serving over HTTPS takes, for the daemon's staff pages and the province's page alike.
public enum HTTPS {
    /// The server's TLS settings from a certificate chain and its key (PEM files).
    public static func serverConfiguration(certificate: String, key: String) throws -> TLSConfiguration {
        TLSConfiguration.makeServerConfiguration(
            certificateChain: try NIOSSLCertificate.fromPEMFile(certificate).map { .certificate($0) },
            privateKey: .privateKey(try NIOSSLPrivateKey(file: key, format: .pem)))
    }

    /// An answer sent over HTTPS: its cookies `Secure`, and HSTS so the browser keeps to HTTPS.
    public static func secure(_ response: inout Response) {
        let cookies = response.headers[values: .setCookie]
        if !cookies.isEmpty { response.headers[values: .setCookie] = cookies.map { $0.hasSuffix("; Secure") ? $0 : $0 + "; Secure" } }
        response.headers[.strictTransportSecurity] = "max-age=31536000"
    }
}
