-- The current person mentions after night D (the latest delivered version of each wins, deleted
-- ones are gone), each with the night it first reached the platform, so that monthly figures can
-- be taken "as of the end of the month".
WITH first_seen AS (
    SELECT mention_id, min(load_date) AS first_load_date
    FROM {{ source('std_history', 'person_mention') }}
    WHERE NOT is_deleted
    GROUP BY mention_id
)
SELECT current.*, first_seen.first_load_date
FROM {{ source('std', 'person_mention') }} AS current
JOIN first_seen USING (mention_id)
