{#- Layers land in schemas named after them (staging, intermediate, marts, reference), not
    prefixed with the target schema, so researchers query marts.<name>. -#}
{% macro generate_schema_name(custom_schema_name, node) -%}
    {{ custom_schema_name if custom_schema_name is not none else target.schema }}
{%- endmacro %}
