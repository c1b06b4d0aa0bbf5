import Logging
import PostgresNIO

/// The central database's schema: versioned migrations, applied in order, each once, like
/// the box's own. A shipped migration is never edited: add a new one.
public enum CentralSchema {
    struct Migration {
        let version: Int
        let name: String
        let sql: [String]
    }

    static let migrations: [Migration] = [
        Migration(
            version: 1, name: "centres, events, tickets, ratings, names, accounts",
            sql: [
                """
                CREATE TABLE centre (
                    code text PRIMARY KEY,
                    name text NOT NULL DEFAULT '',
                    time_zone text NOT NULL DEFAULT 'Asia/Ho_Chi_Minh',
                    -- the rating scale's words and the reasons, as the box's config has them
                    level_labels text[] NOT NULL DEFAULT '{}',
                    reason_labels text[] NOT NULL DEFAULT '{}',
                    -- the box's last event the province holds: where its next batch starts
                    last_seq bigint NOT NULL DEFAULT 0,
                    -- that event's time, as the box's clock had it (seconds since 1970)
                    last_event_at double precision,
                    events bigint NOT NULL DEFAULT 0,
                    -- when the box last talked to the province, and what it said was still to send
                    last_contact timestamptz,
                    events_behind bigint NOT NULL DEFAULT 0,
                    kiosk_version text,
                    first_contact timestamptz NOT NULL DEFAULT now()
                )
                """,
                """
                -- Every box's event log, as it was: idempotent on (centre, seq).
                CREATE TABLE event (
                    centre text NOT NULL REFERENCES centre(code),
                    seq bigint NOT NULL,
                    at double precision NOT NULL,
                    day text NOT NULL,
                    kind text NOT NULL,
                    ticket_id bigint,
                    payload text NOT NULL,
                    actor text,
                    received_at timestamptz NOT NULL DEFAULT now(),
                    PRIMARY KEY (centre, seq)
                )
                """,
                """
                -- The boxes' ticket projections, kept current by the batches of events that touch them.
                CREATE TABLE ticket (
                    centre text NOT NULL REFERENCES centre(code),
                    id bigint NOT NULL,
                    day text NOT NULL,
                    service text NOT NULL,
                    sequence integer NOT NULL,
                    number integer NOT NULL,
                    display text NOT NULL,
                    priority boolean NOT NULL,
                    issued_at double precision NOT NULL,
                    status text NOT NULL,
                    counter integer,
                    officer text,
                    called_at double precision,
                    finished_at double precision,
                    outcome text,
                    recalls integer NOT NULL,
                    transfers integer NOT NULL,
                    reprints integer NOT NULL,
                    print_state text NOT NULL,
                    print_reason text,
                    rated boolean NOT NULL,
                    PRIMARY KEY (centre, id)
                )
                """,
                """
                CREATE TABLE rating (
                    centre text NOT NULL REFERENCES centre(code),
                    id bigint NOT NULL,
                    at double precision NOT NULL,
                    day text NOT NULL,
                    counter integer NOT NULL,
                    ticket_id bigint,
                    service text,
                    officer text,
                    level integer NOT NULL,
                    label text NOT NULL,
                    scale_size integer NOT NULL,
                    satisfied boolean NOT NULL,
                    flag text,
                    reason integer,
                    reason_label text,
                    PRIMARY KEY (centre, id)
                )
                """,
                // A report reads a few columns of every ticket and rating in its days: from these
                // indexes alone, for the province or for one centre.
                """
                CREATE INDEX ticket_for_reports ON ticket (day, centre)
                    INCLUDE (service, officer, counter, status, transfers, issued_at, called_at, finished_at, rated)
                """,
                """
                CREATE INDEX ticket_for_centre_reports ON ticket (centre, day)
                    INCLUDE (service, officer, counter, status, transfers, issued_at, called_at, finished_at, rated)
                """,
                """
                CREATE INDEX rating_for_reports ON rating (day, centre)
                    INCLUDE (service, officer, counter, level, satisfied, reason, reason_label) WHERE flag IS NULL
                """,
                """
                CREATE INDEX rating_for_centre_reports ON rating (centre, day)
                    INCLUDE (service, officer, counter, level, satisfied, reason, reason_label) WHERE flag IS NULL
                """,
                // The names the events refer to, per centre, as each box has them.
                "CREATE TABLE officer (centre text NOT NULL REFERENCES centre(code), id text NOT NULL, name text NOT NULL, PRIMARY KEY (centre, id))",
                "CREATE TABLE service (centre text NOT NULL REFERENCES centre(code), code text NOT NULL, name text NOT NULL, PRIMARY KEY (centre, code))",
                "CREATE TABLE counter (centre text NOT NULL REFERENCES centre(code), number integer NOT NULL, name text NOT NULL, PRIMARY KEY (centre, number))",
                """
                -- The province office's staff: admins manage accounts, leaders read.
                CREATE TABLE account (
                    id text PRIMARY KEY CHECK (length(id) BETWEEN 1 AND 64),
                    name text NOT NULL,
                    role text NOT NULL CHECK (role IN ('admin', 'leader')),
                    password_hash text NOT NULL,
                    active boolean NOT NULL DEFAULT true,
                    failed_logins integer NOT NULL DEFAULT 0,
                    locked_until timestamptz,
                    created_at timestamptz NOT NULL DEFAULT now()
                )
                """,
                """
                CREATE TABLE session (
                    id text PRIMARY KEY,
                    account text NOT NULL REFERENCES account(id) ON DELETE CASCADE,
                    csrf text NOT NULL,
                    expires_at timestamptz NOT NULL
                )
                """,
            ]),
        Migration(
            version: 2, name: "each box its own login; the page reads; sessions kept as hashes",
            sql: [
                // Which login is which centre's: set by `kiosk-province centre add`, never by a box.
                "ALTER TABLE centre ADD COLUMN login text UNIQUE, ADD COLUMN disabled boolean NOT NULL DEFAULT false",
                // The centre of the login this session runs as; NULL for any other login, or a
                // disabled centre's. Every box row policy reads it: a box cannot say which centre it is.
                """
                CREATE FUNCTION kiosk_login_centre() RETURNS text LANGUAGE sql STABLE SECURITY DEFINER
                    SET search_path = public, pg_temp
                    AS $$ SELECT code FROM centre WHERE login = session_user AND NOT disabled $$
                """,
                "REVOKE ALL ON FUNCTION kiosk_login_centre() FROM PUBLIC",
                // The group roles, named after the database (role names are the server's, not the
                // database's): every centre's login is in <db>_boxes, the page's in <db>_readers.
                """
                DO $$
                DECLARE
                    boxes text := current_database() || '_boxes';
                    readers text := current_database() || '_readers';
                    t text;
                BEGIN
                    IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = boxes) THEN EXECUTE format('CREATE ROLE %I NOLOGIN', boxes); END IF;
                    IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = readers) THEN EXECUTE format('CREATE ROLE %I NOLOGIN', readers); END IF;
                    EXECUTE format('GRANT SELECT ON kiosk_schema TO %I, %I', boxes, readers);
                    EXECUTE format('GRANT EXECUTE ON FUNCTION kiosk_login_centre() TO %I', boxes);
                    -- A box: its own centre's row (the names and its position, never its code,
                    -- login or state) and its own rows of the rest; nothing of the accounts.
                    EXECUTE format('GRANT SELECT, UPDATE (name, time_zone, level_labels, reason_labels, last_seq, last_event_at, events, '
                                   'last_contact, events_behind, kiosk_version) ON centre TO %I', boxes);
                    ALTER TABLE centre ENABLE ROW LEVEL SECURITY;
                    EXECUTE format('CREATE POLICY box_own_centre ON centre TO %I USING (code = (SELECT kiosk_login_centre())) '
                                   'WITH CHECK (code = (SELECT kiosk_login_centre()))', boxes);
                    EXECUTE format('GRANT SELECT ON centre TO %I', readers);
                    EXECUTE format('CREATE POLICY readers_all ON centre FOR SELECT TO %I USING (true)', readers);
                    FOREACH t IN ARRAY ARRAY['event', 'ticket', 'rating', 'officer', 'service', 'counter'] LOOP
                        EXECUTE format('GRANT SELECT, INSERT, UPDATE ON %I TO %I', t, boxes);
                        EXECUTE format('GRANT SELECT ON %I TO %I', t, readers);
                        EXECUTE format('ALTER TABLE %I ENABLE ROW LEVEL SECURITY', t);
                        EXECUTE format('CREATE POLICY box_own_rows ON %I TO %I USING (centre = (SELECT kiosk_login_centre())) '
                                       'WITH CHECK (centre = (SELECT kiosk_login_centre()))', t, boxes);
                        EXECUTE format('CREATE POLICY readers_all ON %I FOR SELECT TO %I USING (true)', t, readers);
                    END LOOP;
                    -- The page: reads the figures; checks passwords, counts wrong ones, keeps its
                    -- sessions; changes no hash and no figure.
                    EXECUTE format('GRANT SELECT (id, name, role, password_hash, active, failed_logins, locked_until), '
                                   'UPDATE (failed_logins, locked_until) ON account TO %I', readers);
                    EXECUTE format('GRANT SELECT, INSERT, DELETE ON session TO %I', readers);
                END $$
                """,
                // Session ids were stored in clear: from now on only their SHA-256 (everyone logs in again).
                "DELETE FROM session",
            ]),
    ]

    /// The group roles' names for the database `database`.
    static func boxesRole(_ database: String) -> String { database + "_boxes" }
    static func readersRole(_ database: String) -> String { database + "_readers" }

    /// The newest version this binary knows.
    public static var version: Int { migrations.last?.version ?? 0 }

    /// Creates or upgrades the schema; returns the versions applied now. One migrator at a
    /// time (an advisory lock), each migration in its own transaction.
    @discardableResult
    public static func migrate(_ connection: PostgresConnection, logger: Logger) async throws -> [Int] {
        try await connection.execute("SELECT pg_advisory_lock(727001)", logger: logger)
        do {
            try await connection.execute(
                """
                CREATE TABLE IF NOT EXISTS kiosk_schema (version integer PRIMARY KEY, name text NOT NULL,
                                                         applied_at timestamptz NOT NULL DEFAULT now())
                """, logger: logger)
            let found = try await currentVersion(connection, logger: logger) ?? 0
            guard found <= version else { throw tooNew(found) }
            var applied: [Int] = []
            for migration in migrations where migration.version > found {
                try await connection.execute("BEGIN", logger: logger)
                do {
                    for statement in migration.sql {
                        try await connection.execute(PostgresQuery(unsafeSQL: statement), logger: logger)
                    }
                    try await connection.execute(
                        "INSERT INTO kiosk_schema (version, name) VALUES (\(migration.version), \(migration.name))",
                        logger: logger)
                    try await connection.execute("COMMIT", logger: logger)
                } catch {
                    try? await connection.execute("ROLLBACK", logger: logger)
                    throw error
                }
                applied.append(migration.version)
            }
            try await connection.execute("SELECT pg_advisory_unlock(727001)", logger: logger)
            return applied
        } catch {
            try? await connection.execute("SELECT pg_advisory_unlock(727001)", logger: logger)
            throw error
        }
    }

    /// Refuses a database this binary cannot write: no schema yet, an older one, or a newer one.
    public static func check(_ connection: PostgresConnection, logger: Logger) async throws {
        let exists =
            try await connection.fetch("SELECT to_regclass('kiosk_schema') IS NOT NULL", as: (Bool).self, logger: logger)
            .first ?? false
        guard exists, let found = try await currentVersion(connection, logger: logger) else {
            throw CentralError("the central database has no kiosk schema yet: run kiosk-province migrate --url … once")
        }
        if found > version { throw tooNew(found) }
        if found < version {
            throw CentralError(
                "the central database's schema is version \(found), older than this kiosk's (\(version)): run kiosk-province migrate --url …"
            )
        }
    }

    static func currentVersion(_ connection: PostgresConnection, logger: Logger) async throws -> Int? {
        try await connection.fetch("SELECT max(version) FROM kiosk_schema", as: (Int?).self, logger: logger).first ?? nil
    }

    static func tooNew(_ found: Int) -> CentralError {
        CentralError(
            "the central database's schema is version \(found), newer than this kiosk knows (\(version)): upgrade this box's kiosk")
    }
}
