/// The version `kiosk --version` prints and `scripts/package` puts on the `.deb`.
public let kioskVersion = "0.13.0"
