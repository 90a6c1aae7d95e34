"""Assets by domain: official statistics, dbt models, publishing."""
