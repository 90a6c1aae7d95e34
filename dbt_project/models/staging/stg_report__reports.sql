-- Reports, and the date their undated present-tense claims are read as of: the date the text
-- says its data are as of, else the first day of the publication date as far as it is known (a
-- report cannot speak of a later time than its publication). A report whose date the list does
-- not know, or a text in the inbox that reports.csv does not list, is read as of the date the
-- linker inferred from its text (the day after the latest date its figures are stated for).
with reports as (
    select
        report_id,
        title,
        publisher,
        date_published,
        data_as_of,
        _source_file as source_file,
        _source_line as source_line
    from {{ source('raw', 'reports') }}
    where _load_id in ({{ latest_load_ids('reports') }})
),

inferred as (
    select distinct
        report_id,
        _source_file as source_file,
        reference_date,
        reference_date_basis
    from {{ source('raw', 'report_automatic_claims') }}
    where _load_id in ({{ latest_load_ids('report_automatic_claims') }})
        and reference_date_basis like 'inferred%'
),

listed as (
    select
        reports.*,
        coalesce(
            reports.data_as_of,
            case length(reports.date_published)
                when 4 then cast(reports.date_published || '-01-01' as date)
                when 7 then cast(reports.date_published || '-01' as date)
                when 10 then cast(reports.date_published as date)
            end,
            inferred.reference_date
        ) as reference_date,
        case
            when reports.data_as_of is not null then 'the date the report says its data are as of'
            when reports.date_published <> 'unknown'
                then 'the report''s publication date, ' || reports.date_published
                    || case when length(reports.date_published) < 10
                        then ', taken at its first day' else '' end
            else inferred.reference_date_basis
        end as reference_date_basis,
        'listed' as origin
    from reports
    left join inferred
        on reports.report_id = inferred.report_id
),

unlisted as (
    select
        report_id,
        report_id as title,
        cast(null as string) as publisher,
        'unknown' as date_published,
        cast(null as date) as data_as_of,
        source_file,
        cast(null as bigint) as source_line,
        reference_date,
        reference_date_basis,
        'inbox' as origin
    from inferred
    where report_id not in (select reports.report_id from reports)
)

select * from listed
union all
select * from unlisted
