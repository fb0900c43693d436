# Sourced by bench/inventory.sh and bench/postgres.sh: one definition of the synthetic CA rows.
# synthetic_rows DB ROWS NOW DER: ROWS rows straight into the SQLite inventory DB in one
# transaction, each carrying the DER file DER (a real certificate: realistic size); one-year and
# 90-day certificates issued evenly over the 8 years before NOW, every 20th revoked, so that about
# 1% expire in the next 30 days. Serials: 16 random bytes with the top bit set, as pkitool makes
# them. Paths as `issue` records them.
synthetic_rows() {
  local db=$1 rows=$2 now=$3 der=$4
  sqlite3 "$db" >/dev/null <<SQL
PRAGMA journal_mode=DELETE;
PRAGMA synchronous=OFF;
BEGIN;
WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < $rows),
r AS (SELECT i, $now - 8 * 365 * 86400 + i * (8 * 365 * 86400 - 86400) / $rows AS nb, CASE WHEN i % 5 = 0 THEN 90 ELSE 365 END AS days FROM n)
INSERT INTO certificates (serial, subject, sans, not_before, not_after, profile, fingerprint, der, created_at,
                          revoked_at, revocation_reason, cert_path, key_path)
SELECT printf('%02X', 128 + abs(random()) % 128) || hex(randomblob(15)),
       printf('CN=host-%07d.fleet.example,O=Example Corp', i), printf('dns:host-%07d.fleet.example', i),
       nb - 300, nb + days * 86400, 'rolesanywhere-client', lower(hex(randomblob(32))), readfile('$der'), nb,
       CASE WHEN i % 20 = 0 THEN nb + 10 * 86400 END, CASE WHEN i % 20 = 0 THEN 'superseded' END,
       printf('/etc/pki/host-%07d.crt', i), printf('/etc/pki/host-%07d.key', i)
FROM r;
COMMIT;
PRAGMA journal_mode=WAL;
SQL
}
