-- Every delivery of every night up to D and what became of it (loaded, empty, incomplete, drift,
-- missing), with rows delivered = accepted + quarantined.
-- depends:
CREATE OR REPLACE TABLE ops.load_log AS
SELECT *
FROM ({{ daily('load_log') }})
ORDER BY load_date, source, dataset, org_code, load_id;

COMMENT ON COLUMN ops.load_log.rows_delivered IS 'rows in the delivered file or extract';
COMMENT ON COLUMN ops.load_log.rows_quarantined IS 'rows rejected to lake/quarantine with a reason';
