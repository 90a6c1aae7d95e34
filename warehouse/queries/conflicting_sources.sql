-- Official sources that disagree on the same figure, and revisions between vintages.
select indicator_code, coalesce(as_of, period_end) as date, conflict_type,
    value_as_written_a, source_id_a, value_as_written_b, source_id_b
from marts.source_conflicts
order by indicator_code, date;
