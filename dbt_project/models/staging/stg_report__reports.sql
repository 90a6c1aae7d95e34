-- Reports, and the date their undated present-tense claims are read as of: the date the text
-- says its data are as of, else the first day of the publication date as far as it is known (a
-- report cannot speak of a later time than its publication). A report text in the inbox that
-- reports.csv does not list is read as of the date the linker inferred from its text.
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

listed as (
    select
        *,
        coalesce(
            data_as_of,
            case length(date_published)
                when 4 then cast(date_published || '-01-01' as date)
                when 7 then cast(date_published || '-01' as date)
                when 10 then cast(date_published as date)
            end
        ) as reference_date,
        case
            when data_as_of is not null then 'the date the report says its data are as of'
            when date_published <> 'unknown'
                then 'the report''s publication date, ' || date_published
                    || case when length(date_published) < 10 then ', taken at its first day' else '' end
        end as reference_date_basis,
        'listed' as origin
    from reports
),

unlisted as (
    select distinct
        report_id,
        report_id as title,
        cast(null as varchar) as publisher,
        'unknown' as date_published,
        cast(null as date) as data_as_of,
        _source_file as source_file,
        cast(null as bigint) as source_line,
        reference_date,
        reference_date_basis,
        'inbox' as origin
    from {{ source('raw', 'report_automatic_claims') }}
    where _load_id in ({{ latest_load_ids('report_automatic_claims') }})
        and report_id not in (select report_id from reports)
)

select * from listed
union all
select * from unlisted
