-- Years with and without a national figure of registered volunteers: gaps are rows.
select year, status, observations, source_ids
from marts.indicator_coverage
where indicator_code = 'registered_volunteers' and geo_code = '000000'
order by year;
