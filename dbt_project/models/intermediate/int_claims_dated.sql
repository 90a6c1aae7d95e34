-- Every registered claim with the date it is compared at (`claim_date`) and how that date is
-- known: stated by the text (`stated`), or an undated present-tense claim read as of its report's
-- reference date (`present`); `none` when no date can be told.
with claims as (
    select * from {{ ref('stg_report__claims') }}
),

reports as (
    select report_id, reference_date, reference_date_basis from {{ ref('stg_report__reports') }}
)

select
    claims.*,
    -- A registered claim's figure is found in its text by the reconciliation.
    coalesce(claims.start_offset, quantities.start_offset) as figure_start,
    coalesce(claims.end_offset, quantities.end_offset) as figure_end,
    case
        when claims.date_basis = 'present' then reports.reference_date
        else coalesce(claims.as_of, claims.period_end)
    end as claim_date,
    case
        when claims.date_basis = 'present' and reports.reference_date is not null
            then 'undated and in the present tense: read as of '
                || cast(reports.reference_date as string) || ', ' || reports.reference_date_basis
        when claims.date_basis = 'present'
            then 'undated and in the present tense, but the report''s date is not known'
        when claims.date_basis = 'none' then 'the text states no date and none can be inferred'
    end as date_inference,
    -- A year-end claim is compared with the same year end only, never an older one.
    coalesce(
        claims.date_basis = 'stated'
        and extract(month from coalesce(claims.as_of, claims.period_end)) = 12
        and extract(day from coalesce(claims.as_of, claims.period_end)) = 31,
        false
    ) as is_year_end,
    indicators.stock_or_flow,
    indicators.kind as indicator_kind,
    coalesce({{ dbt.datediff('claims.period_start', 'claims.period_end', 'day') }}, 0)
        as period_days,
    changes.related_indicator_code as base_indicator_code,
    changes.relation as change_relation,
    case
        when length(claims.baseline_period) = 4
            then cast(claims.baseline_period || '-12-31' as date)
        when length(claims.baseline_period) = 10 then cast(claims.baseline_period as date)
        else {{ dbt.dateadd('day', -1, 'claims.period_start') }}
    end as baseline_date
from claims
left join {{ ref('stg_report__quantities') }} as quantities
    on claims.claim_id = quantities.claim_id
left join reports
    on claims.report_id = reports.report_id
left join {{ ref('indicators') }} as indicators
    on claims.indicator_code = indicators.indicator_code
left join {{ ref('indicator_relations') }} as changes
    on claims.indicator_code = changes.indicator_code
    and changes.relation in ('change_pp_of', 'change_pct_of', 'change_of')
