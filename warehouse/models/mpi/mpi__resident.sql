-- One golden record per resident, as the linkage stage chose it from the resident's current
-- person mentions by its survivorship rules (matching/golden.py): ID number checksum-valid over
-- invalid, then most frequent, then most recent; name most frequent; phone and address most
-- recent; birth date and sex from the valid ID number, else the most frequent delivered value;
-- district from the most recent address naming one, else the institution most records come from.
SELECT *
FROM {{ source('mpi', 'resident') }}
ORDER BY resident_id
