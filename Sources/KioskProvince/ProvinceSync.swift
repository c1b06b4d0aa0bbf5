import Foundation
import KioskService
import KioskStore
import Logging
import PostgresNIO
import ServiceLifecycle

/// Sends the box's event log to the province's central PostgreSQL, in order, in batches:
/// each batch (its events, and the ticket and rating rows they touched) is one transaction
/// there, which also moves the centre's position. At least once, and idempotent on (centre,
/// event): a batch sent again after a lost answer changes nothing.
///
/// The hall never waits for it: it reads the box's database in read transactions (the
/// writer goes on), talks to the network holding no lock, and is a service of its own.
/// While the server is away it tries again after 1, 2, 4 … up to `max_backoff_seconds`;
/// a box offline for weeks sends its backlog when the server is back.
public struct ProvinceSync: Service {
    let database: KioskDatabase
    let config: KioskConfig
    let settings: ProvinceSettings
    let code: String
    let link: ProvinceLink
    let logger: Logger
    let version: String

    public init(database: KioskDatabase, config: KioskConfig, link: ProvinceLink, version: String, logger: Logger) {
        self.database = database
        self.config = config
        settings = config.province!
        code = config.centreCode!
        self.link = link
        self.version = version
        var logger = logger
        logger[metadataKey: "province"] = "\(config.province!.server)"
        self.logger = logger
    }

    public func run() async throws {
        if settings.server.tls == .disable {
            logger.warning(
                "TLS to the province is off (sslmode=disable): the box's events cross the network in clear; leave sslmode out to check the province's certificate (ca_file)",
                metadata: ["url": "\(settings.server)"])
        }
        try? await cancelWhenGracefulShutdown {
            await self.loop()
        }
    }

    private func loop() async {
        var backoff = 1
        var lastLogged: String?
        while !Task.isCancelled {
            do {
                let server = try CentralServer(address: settings.server, passwordFile: settings.passwordFile)
                link.update { $0.state = .connecting }
                let connection = try await server.connect(logger: logger)
                do {
                    try await session(
                        connection,
                        onConnected: {
                            backoff = 1
                            lastLogged = nil
                        })
                } catch {
                    Self.abandon(connection)
                    throw CentralError(describing: error, server: settings.server)
                }
            } catch is CancellationError {
                return
            } catch {
                if Task.isCancelled { return }
                let message = "\(error)"
                let behind = self.behind(after: link.current?.position ?? 0)
                link.update {
                    $0.state = .offline
                    $0.lastError = message
                    if let behind { ($0.eventsBehind, $0.secondsBehind) = behind }
                }
                // Once per distinct failure: a server away for a week must not fill the journal.
                if message != lastLogged {
                    logger.warning(
                        "cannot send to the province; the hall goes on and the events wait",
                        metadata: ["error": "\(message)", "retry_seconds": "\(backoff)"])
                    lastLogged = message
                }
                try? await Task.sleep(for: .seconds(backoff))
                backoff = min(backoff * 2, settings.maxBackoffSeconds)
            }
        }
    }

    /// Closes without waiting for it: a connection that stopped answering may not answer its
    /// close either. (The closure keeps the connection until it is closed.)
    static func abandon(_ connection: PostgresConnection) {
        connection.close().whenComplete { _ in withExtendedLifetime(connection) {} }
    }

    /// One connection's life: check the schema, say hello, then send batches until an error.
    private func session(_ connection: PostgresConnection, onConnected: () -> Void) async throws {
        try await CentralSchema.check(connection, logger: logger)
        try await connection.execute(
            """
            CREATE TEMP TABLE IF NOT EXISTS stage_event (seq bigint, at double precision, day text, kind text, ticket_id bigint,
                                                         payload text, actor text) ON COMMIT DELETE ROWS
            """, logger: logger)
        try await connection.execute(
            """
            CREATE TEMP TABLE IF NOT EXISTS stage_ticket (id bigint, day text, service text, sequence integer, number integer,
                display text, priority boolean, issued_at double precision, status text, counter integer, officer text,
                called_at double precision, finished_at double precision, outcome text, recalls integer, transfers integer,
                reprints integer, print_state text, print_reason text, rated boolean) ON COMMIT DELETE ROWS
            """, logger: logger)
        try await connection.execute(
            """
            CREATE TEMP TABLE IF NOT EXISTS stage_rating (id bigint, at double precision, day text, counter integer, ticket_id bigint,
                service text, officer text, level integer, label text, scale_size integer, satisfied boolean, flag text,
                reason integer, reason_label text) ON COMMIT DELETE ROWS
            """, logger: logger)
        var position = try await hello(connection)
        link.update { $0.position = position }
        var officers = try await sendOfficers(connection, after: [:])
        onConnected()
        logger.info("connected to the province server", metadata: ["centre": "\(code)", "position": "\(position)"])
        var lastContact = ContinuousClock.now
        let clock = ContinuousClock()
        while !Task.isCancelled {
            if connection.isClosed {
                throw CentralError("the server at \(settings.server.host):\(settings.server.port) closed the connection")
            }
            let started = clock.now
            let batch = try database.syncBatch(after: position, limit: settings.batchSize)
            if batch.events.isEmpty {
                report(position: position)
                // Alive, with nothing to send: the province's page shows when each box was last heard from.
                if ContinuousClock.now - lastContact > .seconds(60) {
                    let (code, logger) = (code, logger)
                    try await withDeadline(settings.answerSeconds, what: "a heartbeat", giveUp: { Self.abandon(connection) }) {
                        try await connection.execute(
                            "UPDATE centre SET last_contact = now(), events_behind = 0 WHERE code = \(code)", logger: logger)
                    }
                    lastContact = .now
                }
                try await Task.sleep(for: .seconds(settings.intervalSeconds))
                continue
            }
            if batch.events.contains(where: { $0.kind == "officerSignedIn" }) {
                officers = try await sendOfficers(connection, after: officers)
            }
            let (newest, newestAt) = try database.lastEvent()
            let from = position
            position = try await withDeadline(
                settings.answerSeconds, what: "a batch of \(batch.events.count) events",
                giveUp: { Self.abandon(connection) }
            ) {
                try await send(batch, behind: newest - (batch.lastSeq ?? from), connection)
            }
            lastContact = .now
            link.update { $0.eventsSent += batch.events.count }
            report(position: position)
            // A backlog goes at full speed while the hall is quiet (at night, after an outage's
            // repair); while the hall works, the sync rests four times as long as each batch took, so
            // the box's cores and disk stay the hall's.
            if let newestAt, Date().timeIntervalSince1970 - newestAt < Self.busyHallSeconds {
                try await Task.sleep(for: (clock.now - started) * Self.restWhileHallWorks)
            }
        }
    }

    /// The hall is working when its newest event is this recent.
    static let busyHallSeconds = 5.0
    static let restWhileHallWorks = 4

    /// The province holds everything up to `position`: say so, and how far behind it is.
    private func report(position: Int64) {
        let behind = self.behind(after: position)
        link.update {
            $0.state = .connected
            $0.lastError = nil
            $0.lastSuccess = Date()
            $0.position = position
            if let behind { ($0.eventsBehind, $0.secondsBehind) = behind }
        }
    }

    /// Events after `position` (the last one the province confirmed), and the age of the oldest.
    private func behind(after position: Int64) -> (events: Int, seconds: Double)? {
        guard let newest = try? database.lastEvent().seq else { return nil }
        let events = Int(max(0, newest - position))
        let oldest = events == 0 ? nil : try? database.firstEventTime(after: position)
        return (events, oldest.map { max(0, Date().timeIntervalSince1970 - $0) } ?? 0)
    }

    /// Checks who this box is to the province, then where the province's copy of its log ends,
    /// and only then writes its names (scale, reasons, services, counters). Nothing is written
    /// for a login that is not this centre's, or when the province holds more than the box.
    private func hello(_ connection: PostgresConnection) async throws -> Int64 {
        try await Self.identify(connection, code: code, server: settings.server, logger: logger)
        let position: Int64 =
            try await connection.fetch("SELECT last_seq FROM centre WHERE code = \(code)", as: (Int64).self, logger: logger).first ?? 0
        let newest = try database.lastEvent().seq
        guard position <= newest else {
            // Sending on would mix two logs under one code: stop, and say so.
            throw CentralError(
                "the province holds events up to #\(position) for centre \(code), and this box's log ends at #\(newest): "
                    + "was this database restored from an older backup? Nothing is sent")
        }
        let rules = config.rules
        let levels = rules.ratingScale.levels.map(\.label)
        let reasons = rules.ratingReasons?.labels ?? []
        let zone = config.timeZone.identifier
        try await connection.execute(
            """
            UPDATE centre SET name = \(config.centreName), time_zone = \(zone), level_labels = \(levels), reason_labels = \(reasons),
                kiosk_version = \(version), last_contact = now()
            WHERE code = \(code)
            """, logger: logger)
        let services = rules.services
        try await connection.execute(
            """
            INSERT INTO service (centre, code, name) SELECT \(code), * FROM unnest(\(services.map(\.code.rawValue)), \(services.map(\.name)))
            ON CONFLICT (centre, code) DO UPDATE SET name = EXCLUDED.name
            """, logger: logger)
        let counters = rules.counters
        try await connection.execute(
            """
            INSERT INTO counter (centre, number, name) SELECT \(code), * FROM unnest(\(counters.map { Int32($0.number.rawValue) }), \(counters.map(\.name)))
            ON CONFLICT (centre, number) DO UPDATE SET name = EXCLUDED.name
            """, logger: logger)
        return position
    }

    /// The box sends only as its centre's own login: not as the database's owner, a superuser or
    /// the page's login (each could write every centre's rows, so a box holding that password
    /// would speak for the whole province), and only for the centre that login belongs to.
    static func identify(_ connection: PostgresConnection, code: String, server: ProvinceServerAddress, logger: Logger) async throws {
        let fix = "nothing is sent: on the province's server, kiosk-province centre add \(code) \"Name\" makes this centre's login"
        let boxes = CentralSchema.boxesRole(server.database)
        guard
            let (login, superuser, owner, box) = try await connection.fetch(
                """
                SELECT current_user::text, r.rolsuper, c.relowner = r.oid, pg_has_role(current_user, \(boxes)::text, 'USAGE')
                FROM pg_roles r, pg_class c WHERE r.rolname = current_user AND c.oid = 'public.centre'::regclass
                """, as: (String, Bool, Bool, Bool).self, logger: logger
            ).first
        else {
            throw CentralError("the province's server did not say who this login is")
        }
        if superuser { throw CentralError("this box logs in as \(login), a superuser of the province's server: \(fix)") }
        if owner { throw CentralError("this box logs in as \(login), the central database's owner: \(fix)") }
        guard box else { throw CentralError("this box logs in as \(login), which is not a centre's login: \(fix)") }
        guard let centre = try await connection.fetch("SELECT kiosk_login_centre()", as: (String?).self, logger: logger).first ?? nil else {
            throw CentralError("the province has disabled the login \(login) (kiosk-province centre disable): nothing is sent")
        }
        guard centre == code else {
            throw CentralError(
                "this box logs in as \(login), the login of centre \(centre), but its [centre] code is \(code): "
                    + "fix code in the config (or use centre \(code)'s own login); nothing is sent")
        }
    }

    /// The officers' names, when they changed since `sent`.
    private func sendOfficers(_ connection: PostgresConnection, after sent: [String: String]) async throws -> [String: String] {
        let now = Dictionary(uniqueKeysWithValues: try database.officers().map { ($0.id.rawValue, $0.name) })
        let changed = now.filter { sent[$0.key] != $0.value }
        guard !changed.isEmpty else { return now }
        try await connection.execute(
            """
            INSERT INTO officer (centre, id, name) SELECT \(code), * FROM unnest(\(Array(changed.keys)), \(Array(changed.values)))
            ON CONFLICT (centre, id) DO UPDATE SET name = EXCLUDED.name
            """, logger: logger)
        return now
    }

    /// One batch, one transaction; returns the province's new position for this centre.
    private func send(_ batch: SyncBatch, behind: Int64, _ connection: PostgresConnection) async throws -> Int64 {
        guard let last = batch.events.last else { return 0 }
        try await connection.execute("BEGIN", logger: logger)
        do {
            // The centre's row is the lock: two connections for one centre take turns.
            let held = try await connection.fetch(
                "SELECT last_seq FROM centre WHERE code = \(code) FOR UPDATE", as: (Int64).self, logger: logger)
            guard let position = held.first else {
                throw CentralError(
                    "the province no longer takes centre \(code) from this login (disabled, or its login changed): nothing more is sent")
            }
            guard position < last.seq else {
                // Everything here is there already (an answer lost on the way back).
                try await connection.execute("COMMIT", logger: logger)
                return position
            }
            try await copy(batch, connection)
            let inserted: Int64 =
                try await connection.fetch(
                    """
                    WITH added AS (
                        INSERT INTO event (centre, seq, at, day, kind, ticket_id, payload, actor)
                        SELECT \(code), seq, at, day, kind, ticket_id, payload, actor FROM stage_event WHERE seq > \(position)
                        ON CONFLICT (centre, seq) DO NOTHING RETURNING 1)
                    SELECT count(*) FROM added
                    """, as: (Int64).self, logger: logger
                ).first ?? 0
            try await connection.execute(
                """
                INSERT INTO ticket SELECT \(code), * FROM stage_ticket
                ON CONFLICT (centre, id) DO UPDATE SET day = EXCLUDED.day, service = EXCLUDED.service, sequence = EXCLUDED.sequence,
                    number = EXCLUDED.number, display = EXCLUDED.display, priority = EXCLUDED.priority, issued_at = EXCLUDED.issued_at,
                    status = EXCLUDED.status, counter = EXCLUDED.counter, officer = EXCLUDED.officer, called_at = EXCLUDED.called_at,
                    finished_at = EXCLUDED.finished_at, outcome = EXCLUDED.outcome, recalls = EXCLUDED.recalls,
                    transfers = EXCLUDED.transfers, reprints = EXCLUDED.reprints, print_state = EXCLUDED.print_state,
                    print_reason = EXCLUDED.print_reason, rated = EXCLUDED.rated
                """, logger: logger)
            try await connection.execute(
                """
                INSERT INTO rating SELECT \(code), * FROM stage_rating
                ON CONFLICT (centre, id) DO UPDATE SET at = EXCLUDED.at, day = EXCLUDED.day, counter = EXCLUDED.counter,
                    ticket_id = EXCLUDED.ticket_id, service = EXCLUDED.service, officer = EXCLUDED.officer, level = EXCLUDED.level,
                    label = EXCLUDED.label, scale_size = EXCLUDED.scale_size, satisfied = EXCLUDED.satisfied, flag = EXCLUDED.flag,
                    reason = EXCLUDED.reason, reason_label = EXCLUDED.reason_label
                """, logger: logger)
            try await connection.execute(
                """
                UPDATE centre SET last_seq = \(last.seq), last_event_at = \(last.at), events = events + \(inserted),
                    events_behind = \(max(0, behind)), last_contact = now()
                WHERE code = \(code)
                """, logger: logger)
            try await connection.execute("COMMIT", logger: logger)
            return last.seq
        } catch {
            try? await connection.execute("ROLLBACK", logger: logger)
            throw error
        }
    }

    private func copy(_ batch: SyncBatch, _ connection: PostgresConnection) async throws {
        var events = CopyText()
        for e in batch.events {
            events.row([String(e.seq), e.at.description, e.day, e.kind, e.ticketID.cell, e.payload, e.actor])
        }
        try await connection.copyFrom(table: "stage_event", logger: logger) { try await $0.write(events.buffer) }
        if !batch.tickets.isEmpty {
            var tickets = CopyText()
            for t in batch.tickets {
                tickets.row([
                    String(t.id), t.day, t.service, String(t.sequence), String(t.number), t.display, t.priority.cell,
                    t.issuedAt.description, t.status, t.counter.cell, t.officer, t.calledAt.cell, t.finishedAt.cell, t.outcome,
                    String(t.recalls), String(t.transfers), String(t.reprints), t.printState, t.printReason, t.rated.cell,
                ])
            }
            try await connection.copyFrom(table: "stage_ticket", logger: logger) { try await $0.write(tickets.buffer) }
        }
        if !batch.ratings.isEmpty {
            var ratings = CopyText()
            for r in batch.ratings {
                ratings.row([
                    String(r.id), r.at.description, r.day, String(r.counter), r.ticketID.cell, r.service, r.officer,
                    String(r.level), r.label, String(r.scaleSize), r.satisfied.cell, r.flag, r.reason.cell, r.reasonLabel,
                ])
            }
            try await connection.copyFrom(table: "stage_rating", logger: logger) { try await $0.write(ratings.buffer) }
        }
    }
}
