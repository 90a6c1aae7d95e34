-- In seeds/qualifiers.csv a bound word says which bound it is (lower or upper); no other does.
select word, qualifier_class, bound
from {{ ref('qualifiers') }}
where (qualifier_class = 'bound') <> (bound is not null)
