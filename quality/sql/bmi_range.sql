-- bmi_range: height and weight measured together must give a body-mass index within [low,
-- high] kg/m²; each value can be in range alone and still disagree with the other (a height
-- typed in metres, a weight in jin).
SELECT {{ org }} AS org_code, {{ key }} AS record_key,
       {{ weight }} IS NOT NULL AND {{ height }} > 0 AS checked,
       {{ weight }} / pow({{ height }} / 100.0, 2) NOT BETWEEN {{ low }} AND {{ high }} AS failed
FROM {{ table }}
