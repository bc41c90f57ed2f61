-- One row per mother and child, two residents the records say are mother and child: a delivery
-- record naming both, the mother's ID number on the child's record, or a guardian's ID number of
-- a woman of a mother's age (matching/family.py). The maternal-child archive and the
-- vaccination follow-up start from it.
SELECT *
FROM {{ source('mpi', 'mother_child') }}
ORDER BY mother_resident_id, child_resident_id
