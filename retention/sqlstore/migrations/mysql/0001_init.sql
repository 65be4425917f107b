-- retention/sqlstore, MySQL 8 / MariaDB 10.6+: holds, the append-only
-- disposition log, the sweep cursors and the crypto-shred queue. Times are
-- Unix microseconds. The "retention_" prefix is Options.TablePrefix.
-- MySQL does not fire triggers on TRUNCATE: grant the application no DROP
-- on the log.
-- +goose Up
CREATE TABLE `retention_holds` (id VARCHAR(191) NOT NULL PRIMARY KEY, kind VARCHAR(64) NOT NULL, source TEXT NOT NULL, record_id TEXT NOT NULL, subject TEXT NOT NULL, category TEXT NOT NULL, range_from BIGINT, range_to BIGINT, placed_by TEXT NOT NULL, reason TEXT NOT NULL, placed_at BIGINT NOT NULL, expires BIGINT, released_at BIGINT, released_by TEXT) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;
CREATE TABLE `retention_disposition_log` (seq BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY, sweep_id TEXT NOT NULL, kind TEXT NOT NULL, schedule TEXT NOT NULL, source TEXT NOT NULL, category TEXT NOT NULL, rules TEXT NOT NULL, action TEXT NOT NULL, count BIGINT NOT NULL, at BIGINT NOT NULL) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;
CREATE TABLE `retention_sweep_cursor` (source VARCHAR(191) NOT NULL PRIMARY KEY, last_key TEXT, key_int BOOLEAN NOT NULL DEFAULT FALSE, pass BIGINT NOT NULL DEFAULT 0, updated_at BIGINT NOT NULL DEFAULT 0) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;
CREATE TABLE `retention_shred_queue` (subject VARCHAR(191) NOT NULL PRIMARY KEY, queued_at BIGINT NOT NULL) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;
-- +goose StatementBegin
CREATE TRIGGER `retention_log_no_update` BEFORE UPDATE ON `retention_disposition_log` FOR EACH ROW SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = 'retention: the disposition log is append-only';
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER `retention_log_no_delete` BEFORE DELETE ON `retention_disposition_log` FOR EACH ROW SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = 'retention: the disposition log is append-only';
-- +goose StatementEnd

-- +goose Down
DROP TABLE `retention_shred_queue`;
DROP TABLE `retention_sweep_cursor`;
DROP TABLE `retention_disposition_log`;
DROP TABLE `retention_holds`;
