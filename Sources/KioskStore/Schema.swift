import GRDB

/// The database schema. A shipped migration is never edited: add a new one.
enum Schema {
    static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1: officers, tickets, events, ratings") { db in
            try db.execute(
                sql: """
                    CREATE TABLE officer (
                        id TEXT PRIMARY KEY NOT NULL CHECK (length(id) BETWEEN 1 AND 64),
                        name TEXT NOT NULL CHECK (length(name) > 0),
                        active INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0, 1)),
                        created_at REAL NOT NULL
                    );

                    -- One row per ticket: a projection of its events, for reports.
                    CREATE TABLE ticket (
                        id INTEGER PRIMARY KEY,
                        day TEXT NOT NULL CHECK (day GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]'),
                        service TEXT NOT NULL,
                        -- the ticket's position in its service's day: never repeats, even when the number wraps
                        sequence INTEGER NOT NULL CHECK (sequence > 0),
                        number INTEGER NOT NULL,
                        display TEXT NOT NULL,
                        priority INTEGER NOT NULL CHECK (priority IN (0, 1)),
                        issued_at REAL NOT NULL,
                        status TEXT NOT NULL CHECK (status IN ('waiting', 'called', 'held', 'finished', 'noShow', 'expired')),
                        counter INTEGER,
                        officer TEXT REFERENCES officer(id),
                        called_at REAL,
                        finished_at REAL,
                        outcome TEXT CHECK (outcome IN ('served', 'incomplete', 'declined')),
                        recalls INTEGER NOT NULL DEFAULT 0,
                        transfers INTEGER NOT NULL DEFAULT 0,
                        UNIQUE (day, service, sequence)
                    );
                    CREATE INDEX ticket_by_day ON ticket(day);

                    -- Every event of the hall, immutable, in order: the queue state is their fold.
                    CREATE TABLE event (
                        seq INTEGER PRIMARY KEY AUTOINCREMENT,
                        at REAL NOT NULL,
                        day TEXT NOT NULL,
                        kind TEXT NOT NULL,
                        ticket_id INTEGER REFERENCES ticket(id),
                        payload TEXT NOT NULL
                    );
                    CREATE INDEX event_by_kind ON event(kind, seq);

                    CREATE TABLE rating (
                        id INTEGER PRIMARY KEY AUTOINCREMENT,
                        at REAL NOT NULL,
                        day TEXT NOT NULL,
                        counter INTEGER NOT NULL,
                        ticket_id INTEGER REFERENCES ticket(id),
                        service TEXT,
                        officer TEXT REFERENCES officer(id),
                        level INTEGER NOT NULL CHECK (level >= 1),
                        label TEXT NOT NULL,
                        scale_size INTEGER NOT NULL,
                        satisfied INTEGER NOT NULL CHECK (satisfied IN (0, 1)),
                        flag TEXT CHECK (flag IN ('unlinked', 'alreadyRated')),
                        CHECK (level <= scale_size),
                        CHECK (flag IS NOT NULL OR ticket_id IS NOT NULL)
                    );
                    -- One counted vote per ticket.
                    CREATE UNIQUE INDEX rating_one_vote_per_ticket ON rating(ticket_id) WHERE flag IS NULL;
                    CREATE INDEX rating_by_day ON rating(day);
                    """)
        }
        migrator.registerMigration("v2: unprinted tickets") { db in
            try db.execute(
                sql: """
                    -- 1 while the printer failed on the ticket and it was not reprinted (policy issue-and-flag).
                    ALTER TABLE ticket ADD COLUMN unprinted INTEGER NOT NULL DEFAULT 0 CHECK (unprinted IN (0, 1));
                    ALTER TABLE ticket ADD COLUMN reprints INTEGER NOT NULL DEFAULT 0;
                    """)
        }
        migrator.registerMigration("v3: burst and replaced rating flags") { db in
            // SQLite cannot change a CHECK constraint in place: rebuild the table, keeping every row.
            try db.execute(
                sql: """
                    CREATE TABLE rating_v3 (
                        id INTEGER PRIMARY KEY AUTOINCREMENT,
                        at REAL NOT NULL,
                        day TEXT NOT NULL,
                        counter INTEGER NOT NULL,
                        ticket_id INTEGER REFERENCES ticket(id),
                        service TEXT,
                        officer TEXT REFERENCES officer(id),
                        level INTEGER NOT NULL CHECK (level >= 1),
                        label TEXT NOT NULL,
                        scale_size INTEGER NOT NULL,
                        satisfied INTEGER NOT NULL CHECK (satisfied IN (0, 1)),
                        flag TEXT CHECK (flag IN ('unlinked', 'alreadyRated', 'burst', 'replaced')),
                        CHECK (level <= scale_size),
                        CHECK (flag IS NOT NULL OR ticket_id IS NOT NULL)
                    );
                    INSERT INTO rating_v3 SELECT * FROM rating;
                    DROP TABLE rating;
                    ALTER TABLE rating_v3 RENAME TO rating;
                    CREATE UNIQUE INDEX rating_one_vote_per_ticket ON rating(ticket_id) WHERE flag IS NULL;
                    CREATE INDEX rating_by_day ON rating(day);
                    """)
        }
        migrator.registerMigration("v4: covering indexes for reports") { db in
            // A report reads a few columns of every ticket and rating in its period: with them all
            // in an index ordered by day, a year is one sequential read that never touches the
            // tables (1.7 s → well under 1 s on a busy centre's year). The day index becomes redundant.
            try db.execute(
                sql: """
                    CREATE INDEX ticket_for_reports
                        ON ticket(day, service, officer, counter, status, transfers, issued_at, called_at, finished_at);
                    DROP INDEX ticket_by_day;
                    CREATE INDEX rating_for_reports
                        ON rating(day, service, officer, counter, level, satisfied) WHERE flag IS NULL;
                    """)
        }
        migrator.registerMigration("v5: the ticket journal, voided tickets, rated tickets") { db in
            // The print state replaces the unprinted flag (a ticket is now stored before it is
            // printed); `rated` marks a ticket with a counted vote, for the response rate. SQLite
            // cannot change a CHECK constraint in place: rebuild the table, keeping every row.
            try db.execute(
                sql: """
                    CREATE TABLE ticket_v5 (
                        id INTEGER PRIMARY KEY,
                        day TEXT NOT NULL CHECK (day GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]'),
                        service TEXT NOT NULL,
                        sequence INTEGER NOT NULL CHECK (sequence > 0),
                        number INTEGER NOT NULL,
                        display TEXT NOT NULL,
                        priority INTEGER NOT NULL CHECK (priority IN (0, 1)),
                        issued_at REAL NOT NULL,
                        status TEXT NOT NULL
                            CHECK (status IN ('waiting', 'called', 'held', 'finished', 'noShow', 'expired', 'voided')),
                        counter INTEGER,
                        officer TEXT REFERENCES officer(id),
                        called_at REAL,
                        finished_at REAL,
                        outcome TEXT CHECK (outcome IN ('served', 'incomplete', 'declined')),
                        recalls INTEGER NOT NULL DEFAULT 0,
                        transfers INTEGER NOT NULL DEFAULT 0,
                        reprints INTEGER NOT NULL DEFAULT 0,
                        -- the ticket journal: pending from the reservation until the printer's outcome
                        print_state TEXT NOT NULL
                            CHECK (print_state IN ('pending', 'printed', 'failed', 'unknown', 'voided', 'noPrinter')),
                        -- why the printer failed, or why the ticket was voided
                        print_reason TEXT,
                        rated INTEGER NOT NULL DEFAULT 0 CHECK (rated IN (0, 1)),
                        UNIQUE (day, service, sequence)
                    );
                    INSERT INTO ticket_v5
                        SELECT id, day, service, sequence, number, display, priority, issued_at, status, counter, officer,
                               called_at, finished_at, outcome, recalls, transfers, reprints,
                               CASE unprinted WHEN 1 THEN 'failed' ELSE 'printed' END, NULL,
                               EXISTS (SELECT 1 FROM rating WHERE rating.ticket_id = ticket.id AND rating.flag IS NULL)
                        FROM ticket;
                    DROP TABLE ticket;
                    ALTER TABLE ticket_v5 RENAME TO ticket;
                    CREATE INDEX ticket_for_reports
                        ON ticket(day, service, officer, counter, status, transfers, issued_at, called_at, finished_at, rated);
                    """)
        }
        migrator.registerMigration("v6: accounts, sessions, who did what") { db in
            // Officers become accounts with a role and a bcrypt hash; a session is a random id the
            // browser holds in a cookie; `actor` names the account behind an event made over HTTP.
            try db.execute(
                sql: """
                    ALTER TABLE officer ADD COLUMN role TEXT NOT NULL DEFAULT 'officer' CHECK (role IN ('admin', 'leader', 'officer'));
                    ALTER TABLE officer ADD COLUMN password_hash TEXT;
                    -- failed logins in a row, and until when the account is locked after too many
                    ALTER TABLE officer ADD COLUMN failed_logins INTEGER NOT NULL DEFAULT 0;
                    ALTER TABLE officer ADD COLUMN locked_until REAL;
                    ALTER TABLE event ADD COLUMN actor TEXT;
                    CREATE INDEX event_with_actor ON event(seq) WHERE actor IS NOT NULL;
                    CREATE TABLE session (
                        id TEXT PRIMARY KEY NOT NULL,
                        account TEXT NOT NULL REFERENCES officer(id) ON DELETE CASCADE,
                        csrf TEXT NOT NULL,
                        created_at REAL NOT NULL,
                        expires_at REAL NOT NULL,
                        address TEXT
                    );
                    CREATE INDEX session_by_account ON session(account);
                    """)
        }
        migrator.registerMigration("v7: rating reasons") { db in
            // The reason a citizen gave after a dissatisfied press (its number and its words at
            // the time); few ratings have one, so their index is small.
            try db.execute(
                sql: """
                    ALTER TABLE rating ADD COLUMN reason INTEGER;
                    ALTER TABLE rating ADD COLUMN reason_label TEXT;
                    CREATE INDEX rating_reasons ON rating(day, service, officer, counter, reason_label)
                        WHERE flag IS NULL AND reason IS NOT NULL;
                    """)
        }
        migrator.registerMigration("v8: dossiers") { db in
            // The dossiers (hồ sơ) a ticket was served for, as scanned or typed at the counter.
            try db.execute(
                sql: """
                    CREATE TABLE dossier (
                        id INTEGER PRIMARY KEY AUTOINCREMENT,
                        code TEXT NOT NULL,
                        ticket_id INTEGER NOT NULL REFERENCES ticket(id),
                        day TEXT NOT NULL,
                        at REAL NOT NULL,
                        counter INTEGER NOT NULL,
                        UNIQUE (ticket_id, code)
                    );
                    CREATE INDEX dossier_by_day ON dossier(day);
                    """)
        }
        migrator.registerMigration("v9: ratings by ticket, for the province sync") { db in
            // The province sync sends each ticket's ratings with the events that touched it
            // (a replaced vote, a reason): one index look-up per ticket, not a scan per batch.
            try db.execute(sql: "CREATE INDEX rating_by_ticket ON rating(ticket_id)")
        }
        migrator.registerMigration("v10: sessions kept as hashes") { db in
            // The session table holds the SHA-256 of each cookie's id from now on; the ids
            // stored in clear before are dropped (everyone logs in once more).
            try db.execute(sql: "DELETE FROM session")
        }
        return migrator
    }
}
