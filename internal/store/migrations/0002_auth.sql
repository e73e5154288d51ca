-- Revoked JWTs (logout). A row lives until the token would have expired
-- anyway; auth prunes rows whose expires_at has passed.
CREATE TABLE revoked_tokens (
    jti        TEXT PRIMARY KEY,
    expires_at INTEGER NOT NULL,          -- unix seconds
    revoked_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now'))
);
CREATE INDEX revoked_tokens_expires_at ON revoked_tokens(expires_at);
