-- Every lookup and export of an identified archive (healtharchive archive show / export): who,
-- when, what (resident_id) and how it was found, one row per archive reached. Read from the
-- append-only store data/audit/access/, which survives the nightly rebuild of this file, so the
-- table always holds the whole history up to the moment of publishing.
SELECT *
FROM {{ source('audit', 'access') }}
ORDER BY accessed_at, access_id, resident_id
