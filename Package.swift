// swift-tools-version:6.1
import PackageDescription

let package = Package(
    name: "kiosk",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "kiosk", targets: ["kiosk"]),
        // The province: the box's sync (a service of its own) and the province office's tools.
        .executable(name: "kiosk-province", targets: ["kiosk-province"]),
        // The long suites of scripts/soak (kill -9 rounds, fuzzing); not installed.
        .executable(name: "kiosk-soak", targets: ["kiosk-soak"]),
        // The measurements of scripts/bench and the sample year's generator; not shipped.
        .executable(name: "kiosk-bench", targets: ["kiosk-bench"]),
    ],
    dependencies: [
        .package(url: "https://github.com/groue/GRDB.swift.git", from: "7.10.0"),
        // Traits off: we need neither swift-configuration nor the full-Foundation extras,
        // and leaving them out saves build time.
        .package(url: "https://github.com/hummingbird-project/hummingbird.git", from: "2.28.1", traits: []),
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log.git", from: "1.16.2"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle.git", from: "2.13.0"),
        // Already built for Hummingbird: named here for the web server's connection limits.
        .package(url: "https://github.com/apple/swift-nio.git", from: "2.101.2"),
        // Only its bcrypt target is built (a small C library): account passwords.
        .package(url: "https://github.com/hummingbird-project/hummingbird-auth.git", from: "2.5.0"),
        // /metrics in Prometheus's text format (one small target; its dependencies are Hummingbird's already).
        .package(url: "https://github.com/swift-server/swift-prometheus.git", from: "2.4.1"),
        // The province's central database (PostgreSQL): linked by KioskProvince only.
        .package(url: "https://github.com/vapor/postgres-nio.git", from: "1.33.2"),
        // Already built for postgres-nio: named here for its TLS settings.
        .package(url: "https://github.com/apple/swift-nio-ssl.git", from: "2.37.6"),
    ],
    targets: [
        // Pure domain: queue, numbering, ratings, statistics. Foundation only, no clock, no I/O.
        .target(name: "KioskCore"),
        // SQLite schema, migrations, records and queries.
        .target(
            name: "KioskStore",
            dependencies: ["KioskCore", .product(name: "GRDB", package: "GRDB.swift")]
        ),
        .systemLibrary(
            name: "CLibevdev",
            pkgConfig: "libevdev",
            providers: [.apt(["libevdev-dev"])]
        ),
        .systemLibrary(
            name: "CFreeType",
            pkgConfig: "freetype2",
            providers: [.apt(["libfreetype-dev"])]
        ),
        .systemLibrary(
            name: "CQRencode",
            pkgConfig: "libqrencode",
            providers: [.apt(["libqrencode-dev"])]
        ),
        // Linux's timerfd (not in Swift's Glibc module): the clock-step watch.
        .systemLibrary(name: "CTimerFD"),
        // The runtime every layer above the core stands on: threads, deadlines, stop signals,
        // systemd's notify socket, CRC-32, writing all of a buffer, the clock-step watch.
        .target(name: "KioskRuntime", dependencies: ["CTimerFD"]),
        // Hardware edges: input events, printers, ESC/POS bytes, raster text. Knows bytes, not tickets.
        .target(name: "KioskDevices", dependencies: ["KioskRuntime", "CLibevdev", "CFreeType", "CQRencode"]),
        // The running system: configuration, the queue engine actor, routing of events.
        .target(
            name: "KioskService",
            dependencies: [
                "KioskCore", "KioskStore", "KioskRuntime", "KioskDevices",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "HummingbirdBcrypt", package: "hummingbird-auth"),
            ]
        ),
        // What the box's pages and the province's page share: HTML escaping, the style and frame,
        // HTTPS, the request context.
        .target(
            name: "KioskPages",
            dependencies: [
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
            ]
        ),
        // HTTP: hall display, read-only JSON, live push, the staff's pages.
        .target(
            name: "KioskWeb",
            dependencies: [
                "KioskCore", "KioskStore", "KioskRuntime", "KioskService", "KioskPages",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdCore", package: "hummingbird"),
                // HTTPS for the staff pages, when a certificate is configured (NIOSSL is built for postgres-nio already).
                .product(name: "HummingbirdTLS", package: "hummingbird"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "Prometheus", package: "swift-prometheus"),
            ]
        ),
        // The province: the sync to the central PostgreSQL, its schema, reports and page. Only
        // `kiosk-province` links it: the hall's daemon carries none of postgres-nio.
        .target(
            name: "KioskProvince",
            dependencies: [
                "KioskCore", "KioskStore", "KioskRuntime", "KioskService", "KioskPages",
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOTLS", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdCore", package: "hummingbird"),
                .product(name: "HummingbirdTLS", package: "hummingbird"),
                .product(name: "HummingbirdBcrypt", package: "hummingbird-auth"),
            ]
        ),
        .executableTarget(
            name: "kiosk",
            dependencies: [
                "KioskCore", "KioskStore", "KioskRuntime", "KioskDevices", "KioskService", "KioskWeb",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "UnixSignals", package: "swift-service-lifecycle"),
            ]
        ),
        .executableTarget(
            name: "kiosk-province",
            dependencies: [
                "KioskCore", "KioskStore", "KioskService", "KioskProvince",
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ]
        ),
        .executableTarget(
            name: "kiosk-bench",
            dependencies: [
                "KioskCore", "KioskStore", "KioskRuntime", "KioskDevices", "KioskService", "KioskSampleData", "KioskTestSupport",
                "KioskProvince",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        // A generated year of a busy centre, for the benchmarks and the report tests.
        .target(
            name: "KioskSampleData", dependencies: ["KioskStore", .product(name: "GRDB", package: "GRDB.swift")],
            path: "Tests/KioskSampleData"),
        // For the tests only: simulated hardware (pseudo-terminals, a printer that answers status
        // queries), a private PostgreSQL, test certificates, a recording log, the kill -9 rounds.
        .target(
            name: "KioskTestSupport", dependencies: ["KioskDevices", .product(name: "Logging", package: "swift-log")],
            path: "Tests/KioskTestSupport"),
        // Generated inputs for the parsers that read the outside world, shared by the tests and the soak.
        .target(
            name: "KioskFuzz", dependencies: ["KioskService", "KioskWeb", "KioskDevices", "KioskStore", "KioskSampleData"],
            path: "Tests/KioskFuzz"),
        .executableTarget(name: "kiosk-soak", dependencies: ["KioskFuzz", "KioskTestSupport"], path: "Tests/Soak"),
        .testTarget(name: "FuzzTests", dependencies: ["KioskFuzz"]),
        .testTarget(name: "KioskCoreTests", dependencies: ["KioskCore"], resources: [.copy("Scenarios")]),
        .testTarget(name: "KioskStoreTests", dependencies: ["KioskStore", "KioskSampleData"]),
        .testTarget(name: "KioskRuntimeTests", dependencies: ["KioskRuntime", "KioskTestSupport"]),
        .testTarget(name: "KioskDevicesTests", dependencies: ["KioskDevices", "KioskTestSupport"]),
        .testTarget(name: "KioskServiceTests", dependencies: ["KioskService", "KioskDevices", "KioskTestSupport"]),
        // The routes through Hummingbird's test client (it brings an HTTP client and TLS: built for tests only).
        .testTarget(
            name: "KioskWebTests",
            dependencies: [
                "KioskWeb", "KioskTestSupport",
                .product(name: "HummingbirdTesting", package: "hummingbird"),
            ]),
        .testTarget(name: "EndToEndTests", dependencies: ["KioskDevices", "KioskTestSupport", "KioskSampleData", "KioskStore"]),
        // Against a real PostgreSQL that scripts/test starts (KIOSK_TEST_POSTGRES_URL).
        .testTarget(name: "KioskProvinceTests", dependencies: ["KioskProvince", "KioskSampleData", "KioskTestSupport"]),
    ]
)
