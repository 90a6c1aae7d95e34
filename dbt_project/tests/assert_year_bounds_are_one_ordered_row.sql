-- seeds/year_bounds.csv holds exactly one row, with first_year before last_year.
select count(*) as bound_rows
from {{ ref('year_bounds') }}
having count(*) <> 1 or bool_or(first_year >= last_year)
