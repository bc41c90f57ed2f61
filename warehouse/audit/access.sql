-- Every lookup and export of an identified archive (healtharchive archive show / export): who,
-- when, what (resident_id) and how it was found, one row per archive reached. Read from the
-- append-only store data/audit/access/, which survives the nightly rebuild of this file, so the
-- table always holds the whole history up to the moment of publishing.
-- depends:
CREATE OR REPLACE TABLE audit.access AS
SELECT *
FROM ({{ access_audit() }})
ORDER BY accessed_at, access_id, resident_id;

COMMENT ON COLUMN audit.access.access_id IS 'one lookup or export; every archive it reached has a row';
COMMENT ON COLUMN audit.access.accessed_at IS 'when (wall clock, Asia/Shanghai)';
COMMENT ON COLUMN audit.access.accessed_by IS 'who: the user the command ran for (--user or $USER)';
COMMENT ON COLUMN audit.access.action IS 'show (one archive) | export (all archives)';
COMMENT ON COLUMN audit.access.found_by IS 'resident_id | redirect (a retired resident_id followed to its survivor) | id_no (golden record) | id_no_mention (an ID number delivered on a linked record) | export';
COMMENT ON COLUMN audit.access.requested_resident_id IS 'the resident_id asked for, when a redirect led elsewhere or nothing was found; never the ID number searched';
COMMENT ON COLUMN audit.access.resident_id IS 'the archive reached; NULL when nothing (or more than one archive) matched';
COMMENT ON COLUMN audit.access.outcome IS 'found | not_found | ambiguous';
COMMENT ON COLUMN audit.access.format IS 'text | json | fhir | jsonl | fhir-ndjson';
COMMENT ON COLUMN audit.access.data_as_of IS 'the night the warehouse read was published for';
